import type { CallNode, MatrixSelectorNode, VectorSelectorNode } from '../promql/ast.js';
import type { RollupColumns, SeriesRollups } from '../querier.js';
import { absentLabels } from './absent.js';
import type { EvalContext } from './context.js';
import type { SeriesSink } from './range-call.js';
import { KEEP_NAME, keepRangeResult } from './range-names.js';
import { matrixWindows, readTimes, span } from './read-times.js';
import { ROW_FUNCTIONS } from './tier-functions.js';
import { SKETCHED_ON_ROWS } from './tier-plan.js';
import type { EvalValue, StepSeries } from './values.js';
import { newStepSeries, outputSeries } from './values.js';

async function* rollupsOf(ctx: EvalContext, selector: VectorSelectorNode, minT: number, maxT: number, tier: number): AsyncIterable<SeriesRollups> {
  for await (const s of ctx.querier.selectRollups!(selector.matchers, minT, maxT, tier)) {
    await ctx.budget.checkpoint();
    yield s;
  }
}

/**
 * An instant selector over rollup rows: at each step t, the newest row ending at or before t
 * holds the newest sample at or before t (a tier's buckets end on the step grid when the plan
 * chose it); its last value, when that sample is within the lookback and not followed by a
 * stale marker. With `sampleTimes`, the time of the sample used.
 */
export async function selectInstantRows(ctx: EvalContext, node: VectorSelectorNode, tier: number, sampleTimes?: Map<StepSeries, Float64Array>): Promise<StepSeries[]> {
  const times = readTimes(ctx, node);
  const lookback = ctx.frame.lookbackMs;
  const { min, max } = span(times);
  const out: StepSeries[] = [];
  for await (const s of rollupsOf(ctx, node, min - lookback, max, tier)) {
    const r = s.rows;
    const series = newStepSeries(s.labels, times.length);
    const used = sampleTimes === undefined ? undefined : new Float64Array(times.length);
    let found = 0;
    let newest = -1;
    let lastTime = -Infinity;
    for (let i = 0; i < times.length; i++) {
      const t = times[i]!;
      if (t < lastTime) newest = -1;
      lastTime = t;
      while (newest + 1 < r.length && r.end[newest + 1]! <= t) newest++;
      if (newest < 0 || r.endsStale[newest] === 1 || r.count[newest] === 0 || r.lastT[newest]! <= t - lookback) continue;
      series.values[i] = r.last[newest]!;
      series.present[i] = 1;
      if (used !== undefined) used[i] = r.lastT[newest]!;
      found++;
    }
    if (found === 0) continue;
    ctx.budget.hold(found);
    out.push(series);
    if (used !== undefined) sampleTimes!.set(series, used);
  }
  return out;
}

/** A range function over a matrix selector read as rollup rows: rows whose bucket ends in each window (end − range, end]. */
export async function evalRowsRangeCall(e: CallNode, ctx: EvalContext, node: MatrixSelectorNode, tier: number, params: readonly Float64Array[], sink?: SeriesSink): Promise<EvalValue> {
  const windows = matrixWindows(ctx, node);
  const { min, max } = span(windows.ends);
  const source = rollupsOf(ctx, node.selector, min - windows.rangeMs, max, tier);
  if (e.func === 'absent_over_time') return absentOverRows(e, ctx, source, windows.ends, windows.rangeMs);
  const fn = ROW_FUNCTIONS.get(e.func)!;
  const steps = ctx.steps;
  const out: StepSeries[] = [];
  const step = new Array<number>(params.length);
  const w = { stepMs: 0, startMs: 0, endMs: 0 };
  const reused = sink === undefined ? undefined : newStepSeries([], steps.length);
  let unsketched = 0;
  for await (const s of source) {
    const r = s.rows;
    // Some of its tier rows have no sketch (a counter-named series, rows written before
    // gauge_sketches was on): a quantile of the rest would be wrong, so none is given.
    if (SKETCHED_ON_ROWS.has(e.func) && !s.sketched) {
      unsketched++;
      continue;
    }
    const dropName = !KEEP_NAME.has(e.func);
    const result = outputSeries(reused, s.labels, steps.length, dropName);
    let found = 0;
    let widest = 0;
    for (let i = 0; i < steps.length; i++) {
      const end = windows.ends[i]!;
      const start = end - windows.rangeMs;
      const lo = firstAfter(r, start);
      const hi = firstAfter(r, end);
      if (hi === lo) continue;
      if (hi - lo > widest) {
        ctx.budget.hold(hi - lo - widest);
        widest = hi - lo;
      }
      for (let p = 0; p < params.length; p++) step[p] = params[p]![i]!;
      w.stepMs = steps[i]!;
      w.startMs = start;
      w.endMs = end;
      const v = fn(r, lo, hi, w, step);
      if (v === undefined) continue;
      result.values[i] = v;
      result.present[i] = 1;
      found++;
    }
    ctx.budget.release(widest);
    keepRangeResult(result, found, s, e.func, ctx, sink, out);
  }
  if (unsketched > 0) ctx.annotations.info(`${e.func}: ${unsketched} series left out, their rollup rows in the range carry no t-digest sketch (query with tier=0 for raw samples where they are still held)`);
  return { type: 'vector', series: out };
}

/** Index of the first row ending after `t`. */
function firstAfter(r: RollupColumns, t: number): number {
  let lo = 0;
  let hi = r.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (r.end[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

async function absentOverRows(e: CallNode, ctx: EvalContext, source: AsyncIterable<SeriesRollups>, ends: Float64Array, rangeMs: number): Promise<EvalValue> {
  const steps = ctx.steps.length;
  const covered = new Uint8Array(steps);
  for await (const s of source) {
    for (let i = 0; i < steps; i++) {
      if (covered[i] === 1) continue;
      const lo = firstAfter(s.rows, ends[i]! - rangeMs);
      const hi = firstAfter(s.rows, ends[i]!);
      for (let k = lo; k < hi; k++) if (s.rows.count[k]! > 0) covered[i] = 1;
    }
  }
  const result = newStepSeries(absentLabels(e.args[0]!), steps, true);
  for (let i = 0; i < steps; i++) {
    if (covered[i] === 1) continue;
    result.values[i] = 1;
    result.present[i] = 1;
  }
  return { type: 'vector', series: result.present.includes(1) ? [result] : [] };
}
