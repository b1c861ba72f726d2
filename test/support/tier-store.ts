// A DiskStore with rollup tiers in this process, and a way to append whole series to it.
import type { Config } from '../../src/config/index.js';
import { defaultConfig } from '../../src/config/index.js';
import { silentLogger } from '../../src/log/index.js';
import { BatchBuilder, identify, PointFlag } from '../../src/model/index.js';
import type { SeriesDefinition } from '../../src/model/index.js';
import { DiskStore } from '../../src/store/index.js';
import { compressExtent, decompressExtent } from '../../src/store/encoding/index.js';
import { Registry } from '../../src/telemetry/index.js';

export async function startTierStore(path: string, store: Partial<Config['store']> = {}, rollups: Partial<Config['rollups']> = {}): Promise<{ store: DiskStore; registry: Registry }> {
  const registry = new Registry();
  const s = new DiskStore({
    config: { ...defaultConfig.store, path, page_points: 64, ...store },
    rollups: { ...defaultConfig.rollups, ...rollups },
    compress: async (raw) => compressExtent(raw),
    decompress: (bytes, rawLength) => decompressExtent(bytes, rawLength),
    logger: silentLogger,
    registry,
  });
  await s.start();
  return { store: s, registry };
}

/** A gauge series (no unit): its Prometheus name is `name`, its labels `attrs` plus `__name__`. */
export function gaugeDefinition(name: string, attrs: Record<string, string>): SeriesDefinition {
  const r = identify({ name, kind: 'gauge', temporality: 'unspecified', monotonic: false, unit: '', description: '', resource: [], scopeName: '', scopeVersion: '', attributes: Object.entries(attrs) }, { maxAttributeBytes: 1024, maxAttributes: 64 });
  if (!r.ok) throw new Error('bad test series');
  return r.def;
}

const STALE = 0x7ff0000000000002n;

/** Appends the series' samples in time slices of `sliceMs` (every series of a slice in one batch, like scrapes). */
export async function appendSeries(store: DiskStore, series: readonly { def: SeriesDefinition; timestamps: Float64Array; values: Float64Array }[], sliceMs = 3_600_000): Promise<void> {
  let from = Infinity;
  let to = -Infinity;
  for (const s of series) {
    from = Math.min(from, s.timestamps[0]!);
    to = Math.max(to, s.timestamps[s.timestamps.length - 1]!);
  }
  const at = series.map(() => 0);
  let defined = false;
  for (let start = from; start <= to; start += sliceMs) {
    const builder = new BatchBuilder();
    series.forEach((s, k) => {
      const local = builder.addSeries(s.def.hashHi, s.def.hashLo);
      const bits = new BigUint64Array(s.values.buffer, s.values.byteOffset, s.values.length);
      while (at[k]! < s.timestamps.length && s.timestamps[at[k]!]! < start + sliceMs) {
        const i = at[k]!++;
        const stale = bits[i] === STALE;
        builder.addPoint(local, 0, s.timestamps[i]!, stale ? NaN : s.values[i]!, stale ? PointFlag.NO_RECORDED_VALUE : 0);
      }
    });
    const batch = builder.finish();
    batch.definitions = defined ? series.map(() => undefined) : series.map((s) => s.def);
    defined = true;
    await store.append(batch);
  }
}
