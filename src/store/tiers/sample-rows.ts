import type { RollupRows } from '../encoding/index.js';

const STALE_HI = 0x7ff00000;
const STALE_LO = 0x00000002;

/**
 * Raw samples as one-sample rows ending at their own time (a stale marker: a row of count 0
 * that ends stale), so raw spans stitch to tier rows and the engine reads one kind of row.
 * With sketches, a sample's row has one centroid (NaN: none).
 */
export function appendSamplesAsRows(timestamps: Float64Array, values: Float64Array, out: RollupRows): void {
  const words = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
  for (let i = 0; i < timestamps.length; i++) {
    const t = timestamps[i]!;
    if (out.length > 0 && out.end[out.length - 1]! >= t) continue;
    const j = out.addRow(t);
    if (words[2 * i + 1] === STALE_HI && words[2 * i] === STALE_LO) {
      out.endsStale[j] = 1;
      continue;
    }
    const v = values[i]!;
    out.count[j] = 1;
    out.firstT[j] = out.lastT[j] = t;
    out.first[j] = out.last[j] = out.min[j] = out.max[j] = out.sum[j] = v;
    if (out.hasSketch && !Number.isNaN(v)) out.addCentroid(v, 1);
  }
}
