import type { Batch, SeriesDefinition } from '../../model/index.js';
import { BatchBuilder, seriesKey } from '../../model/index.js';
import type { LocalPoint } from './point-recorder.js';

/**
 * The rows of one local collection as a batch stamped `timeMs`, with definitions for the
 * series the store does not know yet (as the OTLP path fills them).
 */
export function localBatch(points: readonly LocalPoint[], timeMs: number, hasSeries: (hi: number, lo: number) => boolean): Batch {
  const builder = new BatchBuilder();
  // By identity, not object: the same series reached with attributes in another order is one.
  const local = new Map<number, number>();
  const defs: SeriesDefinition[] = [];
  for (const p of points) {
    const key = seriesKey(p.def.hashHi, p.def.hashLo);
    let index = local.get(key);
    if (index === undefined) {
      index = builder.addSeries(p.def.hashHi, p.def.hashLo);
      local.set(key, index);
      defs.push(p.def);
    }
    let offset = 0;
    if (p.extra !== undefined) {
      offset = builder.beginExtra();
      for (const v of p.extra) builder.pushExtra(v);
    }
    builder.addPoint(index, p.startMs, timeMs, p.value, p.flags);
    if (p.extra !== undefined) builder.setExtraOffset(builder.pointCount - 1, offset);
  }
  const batch = builder.finish();
  batch.definitions = defs.map((d) => (hasSeries(d.hashHi, d.hashLo) ? undefined : d));
  return batch;
}
