import type { RollupColumns } from '../querier.js';
import { KahanSum } from './kahan.js';
import type { Window } from './range-functions.js';
import { extrapolate } from './range-functions.js';

/**
 * A range function over rollup rows `[lo, hi)` (rows whose bucket ends in the window; at least
 * one). Rows of count 0 (only stale markers) hold no sample. Returns undefined for "no value".
 */
export type RowFn = (r: RollupColumns, lo: number, hi: number, w: Window, params: readonly number[]) => number | undefined;

function firstLive(r: RollupColumns, lo: number, hi: number): number {
  for (let i = lo; i < hi; i++) if (r.count[i]! > 0) return i;
  return -1;
}

function lastLive(r: RollupColumns, lo: number, hi: number): number {
  for (let i = hi - 1; i >= lo; i--) if (r.count[i]! > 0) return i;
  return -1;
}

function samples(r: RollupColumns, lo: number, hi: number): number {
  let n = 0;
  for (let i = lo; i < hi; i++) n += r.count[i]!;
  return n;
}

function sum(r: RollupColumns, lo: number, hi: number): number {
  const k = new KahanSum();
  for (let i = lo; i < hi; i++) if (r.count[i]! > 0) k.add(r.sum[i]!);
  return k.value;
}

/** min or max with Prometheus' rule: a NaN is replaced by any later value. */
function extreme(r: RollupColumns, lo: number, hi: number, max: boolean): number | undefined {
  const col = max ? r.max : r.min;
  let best: number | undefined;
  for (let i = lo; i < hi; i++) {
    if (r.count[i] === 0) continue;
    const v = col[i]!;
    if (best === undefined || (max ? v > best : v < best) || Number.isNaN(best)) best = v;
  }
  return best;
}

/**
 * rate, increase and delta from rows: last − first, plus for counters the value before each drop
 * (inside rows: `resets`; between rows: a row starting below the previous row's last value),
 * added in time order as Prometheus does; then Prometheus' extrapolation from the first and
 * last sample times and the sample count.
 */
function extrapolatedRows(isCounter: boolean, isRate: boolean): RowFn {
  return (r, lo, hi, w) => {
    const a = firstLive(r, lo, hi);
    const b = lastLive(r, lo, hi);
    const n = samples(r, lo, hi);
    if (a < 0 || n < 2) return undefined;
    let result = r.last[b]! - r.first[a]!;
    if (isCounter) {
      let prev = -1;
      for (let i = a; i <= b; i++) {
        if (r.count[i] === 0) continue;
        if (prev >= 0 && r.first[i]! < r.last[prev]!) result += r.last[prev]!;
        if (r.resets[i] !== 0) result += r.resets[i]!;
        prev = i;
      }
    }
    return extrapolate(result, r.firstT[a]!, r.lastT[b]!, r.first[a]!, n, w, isCounter, isRate);
  };
}

/**
 * Prometheus' quantile (rank φ·(n − 1), interpolated between the two nearest values) over the
 * rows' t-digest centroids, a centroid of weight w standing for w values at its mean: exact
 * where every centroid is one value (small buckets), within the sketch's rank error otherwise.
 */
function sketchQuantile(r: RollupColumns, lo: number, hi: number, q: number): number | undefined {
  if (Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const from = r.sketchStart[lo]!;
  const to = r.sketchStart[hi]!;
  if (to === from) return undefined;
  const order = Array.from({ length: to - from }, (_, i) => from + i).sort((x, y) => r.means[x]! - r.means[y]!);
  let total = 0;
  for (const c of order) total += r.weights[c]!;
  const rank = q * (total - 1);
  const lower = Math.floor(rank);
  const weight = rank - lower;
  let seen = 0;
  let low = NaN;
  for (const c of order) {
    const w = r.weights[c]!;
    if (Number.isNaN(low) && lower < seen + w) {
      low = r.means[c]!;
      // The next value is in this centroid too, or it is the next centroid's mean.
      if (lower + 1 < seen + w || weight === 0) return low;
    } else if (!Number.isNaN(low)) return low * (1 - weight) + r.means[c]! * weight;
    seen += w;
  }
  return low;
}

export const ROW_FUNCTIONS: ReadonlyMap<string, RowFn> = new Map<string, RowFn>([
  ['rate', extrapolatedRows(true, true)],
  ['increase', extrapolatedRows(true, false)],
  ['delta', extrapolatedRows(false, false)],
  ['sum_over_time', (r, lo, hi) => (samples(r, lo, hi) === 0 ? undefined : sum(r, lo, hi))],
  ['count_over_time', (r, lo, hi) => samples(r, lo, hi) || undefined],
  ['avg_over_time', (r, lo, hi) => {
    const n = samples(r, lo, hi);
    return n === 0 ? undefined : sum(r, lo, hi) / n;
  }],
  ['min_over_time', (r, lo, hi) => extreme(r, lo, hi, false)],
  ['max_over_time', (r, lo, hi) => extreme(r, lo, hi, true)],
  ['last_over_time', (r, lo, hi) => {
    const b = lastLive(r, lo, hi);
    return b < 0 ? undefined : r.last[b]!;
  }],
  ['first_over_time', (r, lo, hi) => {
    const a = firstLive(r, lo, hi);
    return a < 0 ? undefined : r.first[a]!;
  }],
  ['ts_of_last_over_time', (r, lo, hi) => {
    const b = lastLive(r, lo, hi);
    return b < 0 ? undefined : r.lastT[b]! / 1000;
  }],
  ['ts_of_first_over_time', (r, lo, hi) => {
    const a = firstLive(r, lo, hi);
    return a < 0 ? undefined : r.firstT[a]! / 1000;
  }],
  ['present_over_time', (r, lo, hi) => (samples(r, lo, hi) > 0 ? 1 : undefined)],
  ['quantile_over_time', (r, lo, hi, _w, p) => (r.hasSketch && samples(r, lo, hi) > 0 ? sketchQuantile(r, lo, hi, p[0]!) : undefined)],
]);
