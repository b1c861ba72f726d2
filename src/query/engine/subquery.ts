import type { SubqueryNode } from '../promql/ast.js';
import type { EvalContext } from './context.js';
import { stepTimes, withSteps } from './context.js';
import { atMs, offsetMs, rangeMs } from './durations.js';
import type { RangeWindows } from './selectors.js';
import { readTimes, upperBound } from './selectors.js';
import type { RangeSeries } from './values.js';
import { vectorOf } from './values.js';

export interface SubqueryResult {
  readonly series: RangeSeries[];
  readonly windows: RangeWindows;
}

/**
 * Evaluates a subquery's inner expression once, on one grid of steps aligned to multiples of
 * its step (Prometheus' alignment: the first multiple after start − offset − range), covering
 * every step's window; range functions then read windows of that grid.
 */
export async function evalSubquery(ctx: EvalContext, node: SubqueryNode): Promise<SubqueryResult> {
  const range = rangeMs(node.range, ctx.frame, 'subquery range');
  const step = node.step === null ? ctx.frame.subqueryStepMs : rangeMs(node.step, ctx.frame, 'subquery step');
  const offset = offsetMs(node.offset, ctx.frame);
  const at = atMs(node.at, ctx.frame);
  const first = at ?? ctx.steps[0]!;
  const last = at ?? ctx.steps[ctx.steps.length - 1]!;
  const from = first - offset - range;
  // Go's integer division truncates toward zero, also for times before the epoch.
  let gridStart = step * Math.trunc(from / step);
  if (gridStart <= from) gridStart += step;
  const gridEnd = last - offset;
  const grid = gridStart <= gridEnd ? stepTimes(gridStart, gridEnd, step) : new Float64Array(0);
  const windows: RangeWindows = { ends: readTimes(ctx, node), rangeMs: range };
  if (grid.length === 0) return { series: [], windows };
  const inner = vectorOf(await ctx.evaluate(node.expr, withSteps(ctx, grid)));
  const series = inner.map((s): RangeSeries => {
    let n = 0;
    for (let i = 0; i < grid.length; i++) n += s.present[i]!;
    const timestamps = new Float64Array(n);
    const values = new Float64Array(n);
    let j = 0;
    for (let i = 0; i < grid.length; i++) {
      if (s.present[i] === 0) continue;
      timestamps[j] = grid[i]!;
      values[j++] = s.values[i]!;
    }
    return { labels: s.labels, timestamps, values, dropName: s.dropName };
  });
  return { series, windows };
}

/** A subquery as the result of an instant query: its samples in the one window. */
export async function evalSubqueryMatrix(ctx: EvalContext, node: SubqueryNode): Promise<RangeSeries[]> {
  const { series, windows } = await evalSubquery(ctx, node);
  const end = windows.ends[0]!;
  const out: RangeSeries[] = [];
  for (const s of series) {
    const lo = upperBound(s.timestamps, end - windows.rangeMs);
    const hi = upperBound(s.timestamps, end, lo);
    if (hi > lo) out.push({ ...s, timestamps: s.timestamps.subarray(lo, hi), values: s.values.subarray(lo, hi) });
  }
  return out;
}
