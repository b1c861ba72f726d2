import type { Expr } from '../promql/ast.js';
import { TIME_DEPENDENT } from '../promql/functions.js';
import { evalAggregate } from './aggregate.js';
import { evalBinary } from './binary.js';
import { evalCall } from './call.js';
import type { EvalContext } from './context.js';
import { withSteps } from './context.js';
import { selectInstant, selectMatrix } from './selectors.js';
import { evalSubqueryMatrix } from './subquery.js';
import type { EvalValue, StepSeries } from './values.js';

/**
 * Evaluates an expression at every step of `ctx` at once: instant vectors come back as one
 * column per series (values and presence per step), scalars as one column.
 */
export async function evaluate(e: Expr, ctx: EvalContext): Promise<EvalValue> {
  if (ctx.steps.length > 1 && e.kind !== 'number' && e.kind !== 'string' && isStepInvariant(e)) {
    return broadcast(await evaluateNode(e, withSteps(ctx, ctx.steps.subarray(0, 1))), ctx.steps.length);
  }
  return evaluateNode(e, ctx);
}

async function evaluateNode(e: Expr, ctx: EvalContext): Promise<EvalValue> {
  switch (e.kind) {
    case 'number':
      return { type: 'scalar', values: new Float64Array(ctx.steps.length).fill(e.value) };
    case 'string':
      return { type: 'string', value: e.value };
    case 'paren':
      return evaluate(e.expr, ctx);
    case 'unary':
      return negate(await evaluate(e.expr, ctx), e.op);
    case 'vectorSelector':
      return { type: 'vector', series: await selectInstant(ctx, e) };
    case 'matrixSelector':
      return { type: 'matrix', series: await selectMatrix(ctx, e) };
    case 'subquery':
      return { type: 'matrix', series: await evalSubqueryMatrix(ctx, e) };
    case 'aggregate':
      return evalAggregate(e, ctx);
    case 'binary':
      return evalBinary(e, ctx);
    case 'call':
      return evalCall(e, ctx);
  }
}

function negate(v: EvalValue, op: '-' | '+'): EvalValue {
  if (op === '+') return v;
  if (v.type === 'scalar') return { type: 'scalar', values: v.values.map((x) => -x) };
  if (v.type !== 'vector') return v;
  for (const s of v.series) {
    for (let i = 0; i < s.values.length; i++) s.values[i] = -s.values[i]!;
    s.dropName = true;
  }
  return v;
}

/** Whether an expression gives the same result at every step (every selector pinned by `@`). */
export function isStepInvariant(e: Expr): boolean {
  switch (e.kind) {
    case 'number':
    case 'string':
      return true;
    case 'paren':
    case 'unary':
      return isStepInvariant(e.expr);
    case 'vectorSelector':
      return e.at !== null;
    case 'matrixSelector':
      return e.selector.at !== null;
    case 'subquery':
      return e.at !== null;
    case 'binary':
      return isStepInvariant(e.lhs) && isStepInvariant(e.rhs);
    case 'aggregate':
      return isStepInvariant(e.expr) && (e.param === null || isStepInvariant(e.param));
    case 'call':
      return !TIME_DEPENDENT.has(e.func) && e.args.every(isStepInvariant) && (e.args.length > 0 || e.func === 'pi');
  }
}

/** A one-step result repeated at every step. */
function broadcast(v: EvalValue, steps: number): EvalValue {
  switch (v.type) {
    case 'scalar':
      return { type: 'scalar', values: new Float64Array(steps).fill(v.values[0]!) };
    case 'vector':
      return {
        type: 'vector',
        series: v.series.map((s): StepSeries => ({ labels: s.labels, values: new Float64Array(steps).fill(s.values[0]!), present: new Uint8Array(steps).fill(s.present[0]!), dropName: s.dropName })),
      };
    default:
      return v;
  }
}
