import { byValueWithNaNFirst, KahanSum, quantile } from './kahan.js';

/** Where a range function is evaluated: the step time and its window (start, end] in ms. */
export interface Window {
  readonly stepMs: number;
  readonly startMs: number;
  readonly endMs: number;
}

/**
 * A function over the samples `[lo, hi)` of one window (at least one sample). `params` are
 * its scalar arguments at this step. Returns undefined for "no value".
 */
export type RangeFn = (ts: Float64Array, vs: Float64Array, lo: number, hi: number, w: Window, params: readonly number[]) => number | undefined;

/**
 * rate/increase/delta with Prometheus' extrapolation: to the window's edges when the first and
 * last samples are within 110 % of the average interval of them, else half an interval; a
 * counter is never extrapolated below zero.
 */
function extrapolated(isCounter: boolean, isRate: boolean): RangeFn {
  return (ts, vs, lo, hi, w) => {
    if (hi - lo < 2) return undefined;
    const last = hi - 1;
    let result = vs[last]! - vs[lo]!;
    if (isCounter) {
      let prev = vs[lo]!;
      for (let i = lo + 1; i < hi; i++) {
        const cur = vs[i]!;
        if (cur < prev) result += prev;
        prev = cur;
      }
    }
    return extrapolate(result, ts[lo]!, ts[last]!, vs[lo]!, hi - lo, w, isCounter, isRate);
  };
}

/**
 * Prometheus' extrapolation of a window's change `result` (first sample at `firstT` with value
 * `first`, last at `lastT`, `count` samples): shared by raw windows and rollup rows.
 */
export function extrapolate(result: number, firstT: number, lastT: number, first: number, count: number, w: Window, isCounter: boolean, isRate: boolean): number {
  let toStart = (firstT - w.startMs) / 1000;
  let toEnd = (w.endMs - lastT) / 1000;
  const sampled = (lastT - firstT) / 1000;
  const average = sampled / (count - 1);
  const threshold = average * 1.1;
  if (toStart >= threshold) toStart = average / 2;
  if (isCounter) {
    const toZero = result > 0 && first >= 0 ? sampled * (first / result) : toStart;
    if (toZero < toStart) toStart = toZero;
  }
  if (toEnd >= threshold) toEnd = average / 2;
  let factor = (sampled + toStart + toEnd) / sampled;
  if (isRate) factor /= (w.endMs - w.startMs) / 1000;
  return result * factor;
}

/** irate/idelta: the last two samples. */
function instant(isRate: boolean): RangeFn {
  return (ts, vs, lo, hi) => {
    if (hi - lo < 2) return undefined;
    const a = vs[hi - 2]!;
    const b = vs[hi - 1]!;
    const interval = ts[hi - 1]! - ts[hi - 2]!;
    if (interval === 0) return undefined;
    let result = isRate && b < a ? b : b - a;
    if (isRate) result /= interval / 1000;
    return result;
  };
}

/** Least squares over the window, x in seconds relative to `interceptMs` (Prometheus' linearRegression). */
export function linearRegression(ts: Float64Array, vs: Float64Array, lo: number, hi: number, interceptMs: number): [number, number] {
  let n = 0;
  const kX = new KahanSum();
  const kY = new KahanSum();
  const kXY = new KahanSum();
  const kX2 = new KahanSum();
  const initY = vs[lo]!;
  let constY = true;
  for (let i = lo; i < hi; i++) {
    const y = vs[i]!;
    if (constY && i > lo && y !== initY) constY = false;
    n += 1;
    const x = (ts[i]! - interceptMs) / 1e3;
    kX.add(x);
    kY.add(y);
    kXY.add(x * y);
    kX2.add(x * x);
  }
  if (constY) return Number.isFinite(initY) || Number.isNaN(initY) ? [0, initY] : [NaN, NaN];
  const sumX = kX.value;
  const sumY = kY.value;
  const sumXY = kXY.value;
  const sumX2 = kX2.value;
  const covXY = sumXY - (sumX * sumY) / n;
  const varX = sumX2 - (sumX * sumX) / n;
  const slope = covXY / varX;
  return [slope, sumY / n - (slope * sumX) / n];
}

function average(_ts: Float64Array, vs: Float64Array, lo: number, hi: number): number {
  const k = new KahanSum();
  let count = 0;
  let incremental = false;
  for (let i = lo; i < hi; i++) {
    const f = vs[i]!;
    count++;
    if (!incremental) {
      const before = k.sum;
      const c = k.c;
      k.add(f);
      if (count === 1 || Number.isFinite(k.sum) || Number.isNaN(k.sum)) continue;
      // The sum would overflow: continue with an incremental mean (k now holds the mean).
      incremental = true;
      k.sum = before / (count - 1);
      k.c = c / (count - 1);
    }
    const mean = k.sum;
    if (!Number.isFinite(mean) && !Number.isNaN(mean)) {
      if (!Number.isFinite(f) && !Number.isNaN(f) && mean > 0 === f > 0) continue;
      if (Number.isFinite(f)) continue;
    }
    k.add(f / count - (mean + k.c) / count);
  }
  return incremental ? k.value : k.value / count;
}

function variance(vs: Float64Array, lo: number, hi: number): number {
  let count = 0;
  const mean = new KahanSum();
  const aux = new KahanSum();
  for (let i = lo; i < hi; i++) {
    const f = vs[i]!;
    count++;
    const delta = f - mean.value;
    mean.add(delta / count);
    aux.add(delta * (f - mean.value));
  }
  return aux.value / count;
}

function windowValues(vs: Float64Array, lo: number, hi: number): number[] {
  return Array.from(vs.subarray(lo, hi));
}

/** Index of the min (or max) sample, Prometheus' NaN rule: a NaN is replaced by any later number. */
function extremeIndex(vs: Float64Array, lo: number, hi: number, max: boolean): number {
  let best = lo;
  for (let i = lo + 1; i < hi; i++) {
    const v = vs[i]!;
    const b = vs[best]!;
    if ((max ? v > b : v < b) || Number.isNaN(b)) best = i;
  }
  return best;
}

export const RANGE_FUNCTIONS: ReadonlyMap<string, RangeFn> = new Map<string, RangeFn>([
  ['rate', extrapolated(true, true)],
  ['increase', extrapolated(true, false)],
  ['delta', extrapolated(false, false)],
  ['irate', instant(true)],
  ['idelta', instant(false)],
  ['deriv', (ts, vs, lo, hi) => (hi - lo < 2 ? undefined : linearRegression(ts, vs, lo, hi, ts[lo]!)[0])],
  ['predict_linear', (ts, vs, lo, hi, w, p) => {
    if (hi - lo < 2) return undefined;
    const [slope, intercept] = linearRegression(ts, vs, lo, hi, w.stepMs);
    return slope * p[0]! + intercept;
  }],
  ['changes', (_ts, vs, lo, hi) => {
    let n = 0;
    for (let i = lo + 1; i < hi; i++) {
      const a = vs[i - 1]!;
      const b = vs[i]!;
      if (a !== b && !(Number.isNaN(a) && Number.isNaN(b))) n++;
    }
    return n;
  }],
  ['resets', (_ts, vs, lo, hi) => {
    let n = 0;
    for (let i = lo + 1; i < hi; i++) if (vs[i]! < vs[i - 1]!) n++;
    return n;
  }],
  ['avg_over_time', average],
  ['sum_over_time', (_ts, vs, lo, hi) => {
    const sum = new KahanSum();
    for (let i = lo; i < hi; i++) sum.add(vs[i]!);
    return sum.value;
  }],
  ['count_over_time', (_ts, _vs, lo, hi) => hi - lo],
  ['min_over_time', (_ts, vs, lo, hi) => vs[extremeIndex(vs, lo, hi, false)]!],
  ['max_over_time', (_ts, vs, lo, hi) => vs[extremeIndex(vs, lo, hi, true)]!],
  ['ts_of_min_over_time', (ts, vs, lo, hi) => ts[lastExtremeIndex(vs, lo, hi, false)]! / 1000],
  ['ts_of_max_over_time', (ts, vs, lo, hi) => ts[lastExtremeIndex(vs, lo, hi, true)]! / 1000],
  ['last_over_time', (_ts, vs, _lo, hi) => vs[hi - 1]!],
  ['first_over_time', (_ts, vs, lo) => vs[lo]!],
  ['ts_of_last_over_time', (ts, _vs, _lo, hi) => ts[hi - 1]! / 1000],
  ['ts_of_first_over_time', (ts, _vs, lo) => ts[lo]! / 1000],
  ['present_over_time', () => 1],
  ['stdvar_over_time', (_ts, vs, lo, hi) => variance(vs, lo, hi)],
  ['stddev_over_time', (_ts, vs, lo, hi) => Math.sqrt(variance(vs, lo, hi))],
  ['quantile_over_time', (_ts, vs, lo, hi, _w, p) => quantile(p[0]!, windowValues(vs, lo, hi))],
  ['mad_over_time', (_ts, vs, lo, hi) => {
    const values = windowValues(vs, lo, hi);
    if (values.some(Number.isNaN)) return NaN;
    const median = quantile(0.5, values);
    return quantile(0.5, values.map((v) => Math.abs(v - median)));
  }],
  ['double_exponential_smoothing', (_ts, vs, lo, hi, _w, p) => smooth(vs, lo, hi, p[0]!, p[1]!)],
]);

/** The newest sample holding the min (max): ties go to the later one. */
function lastExtremeIndex(vs: Float64Array, lo: number, hi: number, max: boolean): number {
  let best = lo;
  for (let i = lo + 1; i < hi; i++) {
    const v = vs[i]!;
    const b = vs[best]!;
    if ((max ? v >= b : v <= b) || Number.isNaN(b)) best = i;
  }
  return best;
}

/** Holt's linear smoothing (Prometheus' double_exponential_smoothing); needs two samples. */
function smooth(vs: Float64Array, lo: number, hi: number, sf: number, tf: number): number | undefined {
  if (hi - lo < 2) return undefined;
  let s1 = vs[lo]!;
  let b = vs[lo + 1]! - vs[lo]!;
  let s0 = s1;
  for (let i = lo + 1; i < hi; i++) {
    if (i > lo + 1) b = tf * (s1 - s0) + (1 - tf) * b;
    s0 = s1;
    s1 = sf * vs[i]! + (1 - sf) * (s0 + b);
  }
  return s1;
}

export { byValueWithNaNFirst };
