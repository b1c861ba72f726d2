import type { Expr } from '../promql/ast.js';
import type { Querier } from '../querier.js';
import type { Annotations } from './annotations.js';
import type { QueryBudget } from './limits.js';
import type { EvalValue } from './values.js';
import type { TierPlan } from './tier-plan.js';

/** The query as the API received it: what `start()`, `end()`, `step()` and `range()` refer to. */
export interface QueryFrame {
  readonly startMs: number;
  readonly endMs: number;
  /** 0 for an instant query. */
  readonly stepMs: number;
  readonly lookbackMs: number;
  /** A subquery's step when it names none (Prometheus' evaluation interval, 1 m). */
  readonly subqueryStepMs: number;
}

/** Evaluates a subexpression; handed down in the context so the node evaluators need not import the dispatcher. */
export type Evaluate = (e: Expr, ctx: EvalContext) => Promise<EvalValue>;

/** Everything evaluation needs; `steps` are the evaluation times of the node being evaluated. */
export interface EvalContext {
  readonly evaluate: Evaluate;
  readonly querier: Querier;
  readonly frame: QueryFrame;
  readonly steps: Float64Array;
  readonly annotations: Annotations;
  readonly budget: QueryBudget;
  /** Selectors that read rollup rows, and which tier (tier-plan.ts); none: raw samples only. */
  readonly tiers?: TierPlan;
}

/** Evaluation times start, start+step, … ≤ end. */
export function stepTimes(startMs: number, endMs: number, stepMs: number): Float64Array {
  const n = stepMs > 0 ? Math.floor((endMs - startMs) / stepMs) + 1 : 1;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = startMs + i * stepMs;
  return out;
}

export function withSteps(ctx: EvalContext, steps: Float64Array): EvalContext {
  return { ...ctx, steps };
}
