import type { RollupRows } from '../encoding/rollup-rows.js';
import { KahanAccumulator } from './kahan.js';
import type { SketchBuilder } from './sketch.js';

/** Prometheus' stale marker, 0x7ff0000000000002, as the two words of a little-endian float64. */
const STALE_HI = 0x7ff00000;
const STALE_LO = 0x00000002;

const kahan = new KahanAccumulator();

/**
 * Rolls samples [0, n) of one series (ascending times, integer ms) up into rows of
 * `resolutionMs`, written to `out` (emptied first): a sample at t belongs to the bucket ending
 * at ceil(t / res) · res, so buckets are (k·res, (k+1)·res] like Prometheus' range windows and
 * a window aligned to the resolution is a whole number of rows. Stale markers only set
 * `endsStale`; every other value (NaN included) counts, with Prometheus' rules: min and max
 * skip NaN unless every value is NaN, a drop adds the value before it to `resets`. The sum is
 * Kahan-compensated like sum_over_time's. With a sketch builder, each row gets a t-digest.
 * Nothing is allocated per sample.
 */
export function rollupSamples(timestamps: Float64Array, values: Float64Array, n: number, resolutionMs: number, out: RollupRows, sketch: SketchBuilder | null): void {
  out.reset(sketch !== null);
  const words = new Uint32Array(values.buffer, values.byteOffset, n * 2);
  let row = -1;
  for (let i = 0; i < n; i++) {
    const t = timestamps[i]!;
    const end = Math.ceil(t / resolutionMs) * resolutionMs;
    if (row < 0 || out.end[row]! !== end) {
      if (row >= 0) closeRow(out, row, sketch);
      row = out.addRow(end);
      sketch?.begin();
    }
    if (words[2 * i + 1] === STALE_HI && words[2 * i] === STALE_LO) {
      out.endsStale[row] = 1;
      continue;
    }
    const v = values[i]!;
    out.endsStale[row] = 0;
    sketch?.add(v);
    const count = out.count[row]!;
    out.count[row] = count + 1;
    out.lastT[row] = t;
    if (count === 0) {
      out.firstT[row] = t;
      out.first[row] = out.min[row] = out.max[row] = out.last[row] = v;
      kahan.reset(v);
      continue;
    }
    const last = out.last[row]!;
    if (v < last) out.resets[row]! += last;
    out.last[row] = v;
    const min = out.min[row]!;
    if (v < min || Number.isNaN(min)) out.min[row] = v;
    const max = out.max[row]!;
    if (v > max || Number.isNaN(max)) out.max[row] = v;
    kahan.add(v);
  }
  if (row >= 0) closeRow(out, row, sketch);
}

function closeRow(out: RollupRows, row: number, sketch: SketchBuilder | null): void {
  if (out.count[row]! > 0) out.sum[row] = kahan.value;
  sketch?.finish(out);
}
