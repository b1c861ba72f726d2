// Random series for the rollup and tier tests: gauges with decimals, NaNs and stale markers,
// counters with resets, histogram bucket counters; jittered times with gaps. Seeded.
import { writeStaleMarker } from '../../src/query/index.js';
import { KahanSum } from '../../src/query/engine/kahan.js';
import { mulberry32 } from './prng.js';

export interface RawSeries {
  readonly kind: 'gauge' | 'counter' | 'bucket';
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
}

/** `n` samples from `startMs`, every `stepMs` with jitter, the odd gap, and values of `kind`. */
export function randomSeries(seed: number, kind: RawSeries['kind'], n: number, startMs: number, stepMs: number): RawSeries {
  const r = mulberry32(seed);
  const timestamps = new Float64Array(n);
  const values = new Float64Array(n);
  let t = startMs;
  let v = kind === 'gauge' ? Math.round(r() * 1000) / 10 : Math.floor(r() * 1e6);
  for (let i = 0; i < n; i++) {
    t += stepMs + Math.floor((r() - 0.5) * stepMs * 0.2);
    if (r() < 0.01) t += Math.floor(r() * stepMs * 40); // a gap
    timestamps[i] = t;
    if (kind === 'gauge') {
      v = Math.round((v + (r() - 0.5) * 4) * 10) / 10;
      values[i] = v;
      if (r() < 0.005) values[i] = NaN;
      if (r() < 0.005) writeStaleMarker(values, i);
    } else {
      v = r() < 0.01 ? Math.floor(r() * 50) : v + Math.floor(r() * (kind === 'bucket' ? 5 : 300));
      values[i] = v;
      if (r() < 0.003) writeStaleMarker(values, i);
    }
  }
  return { kind, timestamps, values };
}

export interface ReferenceRow {
  end: number;
  count: number;
  firstT: number;
  lastT: number;
  first: number;
  last: number;
  min: number;
  max: number;
  sum: number;
  resets: number;
  endsStale: number;
  values: number[];
}

const staleBits = (vs: Float64Array, i: number): boolean => new BigUint64Array(vs.buffer, vs.byteOffset + i * 8, 1)[0] === 0x7ff0000000000002n;

/** The rows computed the plain way: group by bucket end ceil(t/res)·res, then Prometheus' own rules per bucket. */
export function referenceRows(s: RawSeries, res: number): ReferenceRow[] {
  const rows: ReferenceRow[] = [];
  const groups = new Map<number, number[]>();
  s.timestamps.forEach((t, i) => {
    const end = Math.ceil(t / res) * res;
    if (!groups.has(end)) groups.set(end, []);
    groups.get(end)!.push(i);
  });
  for (const [end, idx] of groups) {
    const live = idx.filter((i) => !staleBits(s.values, i));
    const vs = live.map((i) => s.values[i]!);
    const row: ReferenceRow = { end, count: live.length, firstT: 0, lastT: 0, first: 0, last: 0, min: 0, max: 0, sum: 0, resets: 0, endsStale: staleBits(s.values, idx[idx.length - 1]!) ? 1 : 0, values: vs };
    if (live.length > 0) {
      row.firstT = s.timestamps[live[0]!]!;
      row.lastT = s.timestamps[live[live.length - 1]!]!;
      row.first = vs[0]!;
      row.last = vs[vs.length - 1]!;
      let min = vs[0]!;
      let max = vs[0]!;
      const sum = new KahanSum();
      for (const v of vs) {
        if (v < min || Number.isNaN(min)) min = v;
        if (v > max || Number.isNaN(max)) max = v;
        sum.add(v);
      }
      for (let k = 1; k < vs.length; k++) if (vs[k]! < vs[k - 1]!) row.resets += vs[k - 1]!;
      row.min = min;
      row.max = max;
      row.sum = sum.value;
    }
    rows.push(row);
  }
  return rows;
}
