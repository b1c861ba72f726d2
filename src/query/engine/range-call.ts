import { executionError } from '../errors.js';
import type { CallNode, Expr } from '../promql/ast.js';
import { unwrapParens } from '../promql/ast.js';
import type { EvalContext } from './context.js';
import { absentLabels } from './absent.js';
import { RANGE_FUNCTIONS } from './range-functions.js';
import type { RangeWindows } from './selectors.js';
import { matrixWindows, selectRange } from './selectors.js';
import { evalSubquery } from './subquery.js';
import type { EvalValue, RangeSeries, StepSeries } from './values.js';
import { newStepSeries, outputSeries, scalarOf } from './values.js';
import { goFloat } from './format-float.js';
import { evalRowsRangeCall } from './tier-select.js';
import { KEEP_NAME, keepRangeResult } from './range-names.js';


/** The index of the argument that is a range vector, or -1. */
export function matrixArgIndex(e: CallNode): number {
  return e.args.findIndex((a) => {
    const inner = unwrapParens(a);
    return inner.kind === 'matrixSelector' || inner.kind === 'subquery';
  });
}

/** Takes each result series as it is made; the series (its arrays) is reused for the next one. */
export type SeriesSink = (series: StepSeries) => void;

/**
 * A function over a range vector, evaluated series by series, window by window. With a `sink`
 * the results are streamed into it (an aggregation over the function) instead of collected,
 * so only one result series exists at a time.
 */
export async function evalRangeCall(e: CallNode, ctx: EvalContext, index: number, sink?: SeriesSink): Promise<EvalValue> {
  const params: Float64Array[] = [];
  for (const [i, arg] of e.args.entries()) if (i !== index) params.push(scalarOf(await ctx.evaluate(arg, ctx)));
  checkParams(e.func, params, ctx);
  const arg = unwrapParens(e.args[index]!);
  // Planned onto rollup rows (tier-plan.ts): the same function over the rows of each window.
  const tier = arg.kind === 'matrixSelector' ? ctx.tiers?.tiers.get(arg) : undefined;
  if (tier !== undefined && arg.kind === 'matrixSelector') return evalRowsRangeCall(e, ctx, arg, tier, params, sink);
  const { source, windows } = await rangeSource(arg, ctx);
  if (e.func === 'absent_over_time') return absentOverTime(e, source, windows, ctx);
  const fn = RANGE_FUNCTIONS.get(e.func)!;
  const steps = ctx.steps;
  const out: StepSeries[] = [];
  const step = new Array<number>(params.length);
  // One window object for every step: millions of steps must not mean millions of objects.
  const w = { stepMs: 0, startMs: 0, endMs: 0 };
  const reused = sink === undefined ? undefined : newStepSeries([], steps.length);
  for await (const s of source) {
    const dropName = KEEP_NAME.has(e.func) ? s.dropName : true;
    const result = outputSeries(reused, s.labels, steps.length, dropName);
    let found = 0;
    let lo = 0;
    let hi = 0;
    let lastEnd = -Infinity;
    let widest = 0;
    for (let i = 0; i < steps.length; i++) {
      const end = windows.ends[i]!;
      if (end < lastEnd) lo = hi = 0;
      lastEnd = end;
      const start = end - windows.rangeMs;
      while (lo < s.timestamps.length && s.timestamps[lo]! <= start) lo++;
      if (hi < lo) hi = lo;
      while (hi < s.timestamps.length && s.timestamps[hi]! <= end) hi++;
      if (hi === lo) continue;
      if (hi - lo > widest) {
        // Like Prometheus, a series' window counts against max_samples while it is read.
        ctx.budget.hold(hi - lo - widest);
        widest = hi - lo;
      }
      for (let p = 0; p < params.length; p++) step[p] = params[p]![i]!;
      w.stepMs = steps[i]!;
      w.startMs = start;
      w.endMs = end;
      const v = fn(s.timestamps, s.values, lo, hi, w, step);
      if (v === undefined) continue;
      result.values[i] = v;
      result.present[i] = 1;
      found++;
    }
    ctx.budget.release(widest);
    await ctx.budget.checkpoint();
    keepRangeResult(result, found, s, e.func, ctx, sink, out);
  }
  return { type: 'vector', series: out };
}

async function rangeSource(arg: Expr, ctx: EvalContext): Promise<{ source: AsyncIterable<RangeSeries> | Iterable<RangeSeries>; windows: RangeWindows }> {
  if (arg.kind === 'matrixSelector') {
    const windows = matrixWindows(ctx, arg);
    return { source: selectRange(ctx, arg, windows), windows };
  }
  if (arg.kind !== 'subquery') throw new Error(`internal: ${arg.kind} is not a range vector`);
  const { series, windows } = await evalSubquery(ctx, arg);
  return { source: series, windows };
}

function checkParams(func: string, params: Float64Array[], ctx: EvalContext): void {
  if (func === 'quantile_over_time') {
    for (const q of params[0]!) if (Number.isNaN(q) || q < 0 || q > 1) ctx.annotations.warn(`quantile value should be between 0 and 1, got ${goFloat(q)}`);
  }
  if (func === 'double_exponential_smoothing') {
    for (const [i, what] of [[0, 'smoothing'], [1, 'trend']] as const) {
      for (const f of params[i]!) if (!(f > 0 && f < 1)) throw executionError(`invalid ${what} factor. Expected: 0 < ${what === 'smoothing' ? 'sf' : 'tf'} < 1, got: ${f.toFixed(6)}`);
    }
  }
}


async function absentOverTime(e: CallNode, source: AsyncIterable<RangeSeries> | Iterable<RangeSeries>, windows: RangeWindows, ctx: EvalContext): Promise<EvalValue> {
  const steps = ctx.steps.length;
  const covered = new Uint8Array(steps);
  for await (const s of source) {
    for (let i = 0; i < steps; i++) {
      if (covered[i] === 1) continue;
      const end = windows.ends[i]!;
      const start = end - windows.rangeMs;
      const ts = s.timestamps;
      // Any sample in (start, end]? Binary search for the first sample after start.
      let lo = 0;
      let hi = ts.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (ts[mid]! <= start) lo = mid + 1;
        else hi = mid;
      }
      if (lo < ts.length && ts[lo]! <= end) covered[i] = 1;
    }
    await ctx.budget.checkpoint();
  }
  const result = newStepSeries(absentLabels(e.args[0]!), steps, true);
  for (let i = 0; i < steps; i++) {
    if (covered[i] === 1) continue;
    result.values[i] = 1;
    result.present[i] = 1;
  }
  return { type: 'vector', series: result.present.includes(1) ? [result] : [] };
}
