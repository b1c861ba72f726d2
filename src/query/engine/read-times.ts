import type { MatrixSelectorNode, VectorSelectorNode } from '../promql/ast.js';
import type { EvalContext } from './context.js';
import { atMs, offsetMs, rangeMs } from './durations.js';

/** For each step, the time a selector reads at: the step (or its `@` time) minus its offset. */
export function readTimes(ctx: EvalContext, node: { readonly offset: VectorSelectorNode['offset']; readonly at: VectorSelectorNode['at'] }): Float64Array {
  const offset = offsetMs(node.offset, ctx.frame);
  const at = atMs(node.at, ctx.frame);
  const out = new Float64Array(ctx.steps.length);
  for (let i = 0; i < out.length; i++) out[i] = (at ?? ctx.steps[i]!) - offset;
  return out;
}

export function span(times: Float64Array): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const t of times) {
    if (t < min) min = t;
    if (t > max) max = t;
  }
  return { min, max };
}

/** What a range function reads: for each step, the window (end − range, end]. */
export interface RangeWindows {
  readonly ends: Float64Array;
  readonly rangeMs: number;
}

export function matrixWindows(ctx: EvalContext, node: MatrixSelectorNode): RangeWindows {
  return { ends: readTimes(ctx, node.selector), rangeMs: rangeMs(node.range, ctx.frame, 'range') };
}

