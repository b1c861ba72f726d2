import type { SeriesSamples } from '../querier.js';
import type { MatrixSelectorNode, VectorSelectorNode } from '../promql/ast.js';
import { isStaleMarker } from '../stale-marker.js';
import type { EvalContext } from './context.js';
import { seriesOf } from './series-source.js';
import type { RangeSeries, StepSeries } from './values.js';
import { newStepSeries } from './values.js';
import { selectInstantRows } from './tier-select.js';
import type { RangeWindows } from './read-times.js';
import { matrixWindows, readTimes, span } from './read-times.js';

export { matrixWindows, readTimes } from './read-times.js';
export type { RangeWindows } from './read-times.js';

/**
 * An instant vector selector at every step: the newest sample in (t − lookback, t], unless it
 * is a stale marker. With `sampleTimes`, also the timestamp of the sample used (for timestamp()).
 */
export async function selectInstant(ctx: EvalContext, node: VectorSelectorNode, sampleTimes?: Map<StepSeries, Float64Array>): Promise<StepSeries[]> {
  const tier = ctx.tiers?.tiers.get(node);
  if (tier !== undefined) return selectInstantRows(ctx, node, tier, sampleTimes);
  const times = readTimes(ctx, node);
  const lookback = ctx.frame.lookbackMs;
  const { min, max } = span(times);
  const out: StepSeries[] = [];
  for await (const s of seriesOf(ctx.querier, node.matchers, min - lookback + 1, max)) {
    await ctx.budget.checkpoint();
    const series = newStepSeries(s.labels, times.length);
    const used = sampleTimes === undefined ? undefined : new Float64Array(times.length);
    const found = fillInstant(s, times, lookback, series, used);
    if (found === 0) continue;
    ctx.budget.hold(found);
    out.push(series);
    if (used !== undefined) sampleTimes!.set(series, used);
  }
  return out;
}

function fillInstant(s: SeriesSamples, times: Float64Array, lookback: number, out: StepSeries, used: Float64Array | undefined): number {
  const ts = s.timestamps;
  let found = 0;
  let newest = -1;
  let lastTime = -Infinity;
  for (let i = 0; i < times.length; i++) {
    const t = times[i]!;
    // Read times only decrease when `@` pins them all to one value; restart the scan then.
    if (t < lastTime) newest = -1;
    lastTime = t;
    while (newest + 1 < ts.length && ts[newest + 1]! <= t) newest++;
    if (newest < 0 || ts[newest]! <= t - lookback || isStaleMarker(s.values, newest)) continue;
    out.values[i] = s.values[newest]!;
    out.present[i] = 1;
    if (used !== undefined) used[i] = ts[newest]!;
    found++;
  }
  return found;
}

/** A series' samples with stale markers removed (range vectors never contain them). */
export function withoutStale(s: SeriesSamples, dropName: boolean): RangeSeries {
  let stale = 0;
  for (let i = 0; i < s.values.length; i++) if (isStaleMarker(s.values, i)) stale++;
  if (stale === 0) return { labels: s.labels, timestamps: s.timestamps, values: s.values, dropName };
  const timestamps = new Float64Array(s.values.length - stale);
  const values = new Float64Array(s.values.length - stale);
  let j = 0;
  for (let i = 0; i < s.values.length; i++) {
    if (isStaleMarker(s.values, i)) continue;
    timestamps[j] = s.timestamps[i]!;
    values[j++] = s.values[i]!;
  }
  return { labels: s.labels, timestamps, values, dropName };
}

/** The series of a range selector, streamed, each with every sample any window needs. */
export async function* selectRange(ctx: EvalContext, node: MatrixSelectorNode, windows: RangeWindows): AsyncIterable<RangeSeries> {
  const { min, max } = span(windows.ends);
  for await (const s of seriesOf(ctx.querier, node.selector.matchers, min - windows.rangeMs + 1, max)) {
    await ctx.budget.checkpoint();
    yield withoutStale(s, false);
  }
}

/** Index of the first sample after `t` (samples ascending). */
export function upperBound(ts: Float64Array, t: number, from = 0): number {
  let lo = from;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A range selector in an instant query: the samples in its one window. */
export async function selectMatrix(ctx: EvalContext, node: MatrixSelectorNode): Promise<RangeSeries[]> {
  const windows = matrixWindows(ctx, node);
  const end = windows.ends[0]!;
  const out: RangeSeries[] = [];
  for await (const s of selectRange(ctx, node, windows)) {
    const lo = upperBound(s.timestamps, end - windows.rangeMs);
    const hi = upperBound(s.timestamps, end, lo);
    if (hi === lo) continue;
    ctx.budget.hold(hi - lo);
    out.push({ labels: s.labels, timestamps: s.timestamps.subarray(lo, hi), values: s.values.subarray(lo, hi), dropName: false });
  }
  return out;
}
