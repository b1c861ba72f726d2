import type { BinaryNode } from '../promql/ast.js';
import { COMPARISON_OPS, SET_OPS } from '../promql/ast.js';
import { dropsName, elementOp } from './binary-ops.js';
import type { EvalContext } from './context.js';
import { evalSetOp } from './set-ops.js';
import { evalVectorMatch } from './vector-match.js';
import { mergeSameLabels } from './merge.js';
import type { EvalValue, StepSeries } from './values.js';

/** Binary operators between scalars and instant vectors. */
export async function evalBinary(e: BinaryNode, ctx: EvalContext): Promise<EvalValue> {
  const lhs = await ctx.evaluate(e.lhs, ctx);
  const rhs = await ctx.evaluate(e.rhs, ctx);
  if (lhs.type === 'scalar' && rhs.type === 'scalar') {
    const values = lhs.values.map((a, i) => {
      const { value, keep } = elementOp(e.op, a, rhs.values[i]!);
      return COMPARISON_OPS.has(e.op) ? (keep ? 1 : 0) : value;
    });
    return { type: 'scalar', values };
  }
  if (lhs.type === 'vector' && rhs.type === 'vector') {
    if (SET_OPS.has(e.op)) return { type: 'vector', series: mergeSameLabels(evalSetOp(e, lhs.series, rhs.series, ctx.steps.length)) };
    return { type: 'vector', series: mergeSameLabels(evalVectorMatch(e, lhs.series, rhs.series, ctx.steps.length)) };
  }
  if (lhs.type === 'vector' && rhs.type === 'scalar') return { type: 'vector', series: withScalar(e, lhs.series, rhs.values, false) };
  if (lhs.type === 'scalar' && rhs.type === 'vector') return { type: 'vector', series: withScalar(e, rhs.series, lhs.values, true) };
  throw new Error(`internal: binary operator on ${lhs.type} and ${rhs.type}`);
}

/** Vector op scalar (or scalar op vector when `swap`): comparisons keep the vector's value. */
function withScalar(e: BinaryNode, series: StepSeries[], scalar: Float64Array, swap: boolean): StepSeries[] {
  const comparison = COMPARISON_OPS.has(e.op);
  const out: StepSeries[] = [];
  for (const s of series) {
    let any = false;
    for (let i = 0; i < s.values.length; i++) {
      if (s.present[i] === 0) continue;
      const v = s.values[i]!;
      const k = scalar[i]!;
      const { value, keep } = swap ? elementOp(e.op, k, v) : elementOp(e.op, v, k);
      if (e.bool) s.values[i] = keep ? 1 : 0;
      else if (!keep) {
        s.present[i] = 0;
        continue;
      } else s.values[i] = comparison ? v : value;
      any = true;
    }
    if (dropsName(e.op) || e.bool) s.dropName = true;
    if (any) out.push(s);
  }
  return out;
}
