import { badData } from '../errors.js';
import { compareLabelSets } from '../label-order.js';
import type { ParsedQuery } from '../promql/parse.js';
import type { LabelPairs, Querier } from '../querier.js';
import { Annotations } from './annotations.js';
import type { EvalContext, QueryFrame } from './context.js';
import { stepTimes } from './context.js';
import { evaluate } from './evaluator.js';
import { planTiers } from './tier-plan.js';
import { labelsKey, withoutName } from './labels.js';
import type { QueryLimits } from './limits.js';
import { QueryBudget } from './limits.js';
import { duplicateLabelset, mergeSameLabels } from './merge.js';
import type { EvalValue, RangeSeries, StepSeries } from './values.js';

/** One series of a result: points as parallel columns (times in ms). */
export interface ResultSeries {
  readonly labels: LabelPairs;
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
}

/** A query result, shaped like Prometheus' result types. */
export type QueryValue =
  | { readonly kind: 'scalar'; readonly t: number; readonly v: number }
  | { readonly kind: 'string'; readonly t: number; readonly v: string }
  | { readonly kind: 'vector'; readonly t: number; readonly series: readonly ResultSeries[] }
  | { readonly kind: 'matrix'; readonly series: readonly ResultSeries[] };

export interface QueryResult {
  readonly value: QueryValue;
  readonly warnings: readonly string[];
  readonly infos: readonly string[];
}

export interface QueryOptions {
  readonly querier: Querier;
  /** The API's `tier` parameter: read this rollup tier (0: raw samples only); absent: the planner chooses. */
  readonly tier?: number;
  readonly lookbackMs: number;
  readonly subqueryStepMs: number;
  readonly limits: QueryLimits;
}

/** Orders that functions put on an instant query's result, which must survive to the answer. */
const ORDERING = /^(?:sort|sort_desc|sort_by_label|sort_by_label_desc|topk|bottomk)$/;

/** An instant query at `timeMs`. */
export async function runInstantQuery(q: ParsedQuery, timeMs: number, o: QueryOptions): Promise<QueryResult> {
  const frame: QueryFrame = { startMs: timeMs, endMs: timeMs, stepMs: 0, lookbackMs: o.lookbackMs, subqueryStepMs: o.subqueryStepMs };
  const { value, annotations } = await run(q, frame, o);
  return { value: toInstant(value, timeMs, keepsOrder(q)), warnings: [...annotations.warnings], infos: [...annotations.infos] };
}

/** A range query: start, start+step, … ≤ end. */
export async function runRangeQuery(q: ParsedQuery, startMs: number, endMs: number, stepMs: number, o: QueryOptions): Promise<QueryResult> {
  if (q.type !== 'scalar' && q.type !== 'vector') {
    throw badData(`invalid parameter "query": invalid expression type ${JSON.stringify(q.type === 'matrix' ? 'range vector' : q.type)} for range query, must be Scalar or instant Vector`);
  }
  const frame: QueryFrame = { startMs, endMs, stepMs, lookbackMs: o.lookbackMs, subqueryStepMs: o.subqueryStepMs };
  const { value, annotations, budget } = await run(q, frame, o);
  return { value: await toMatrix(value, stepTimes(startMs, endMs, stepMs), budget), warnings: [...annotations.warnings], infos: [...annotations.infos] };
}

async function run(q: ParsedQuery, frame: QueryFrame, o: QueryOptions): Promise<{ value: EvalValue; annotations: Annotations; budget: QueryBudget }> {
  const annotations = new Annotations();
  const tiers = planTiers(q.expr, frame, o.querier, o.tier, annotations);
  const ctx: EvalContext = {
    ...(tiers !== undefined ? { tiers } : {}),
    evaluate,
    querier: o.querier,
    frame,
    steps: stepTimes(frame.startMs, frame.endMs, frame.stepMs),
    annotations,
    budget: new QueryBudget(o.limits),
  };
  return { value: finish(await evaluate(q.expr, ctx)), annotations, budget: ctx.budget };
}

function keepsOrder(q: ParsedQuery): boolean {
  let e = q.expr;
  while (e.kind === 'paren') e = e.expr;
  return (e.kind === 'call' && ORDERING.test(e.func)) || (e.kind === 'aggregate' && ORDERING.test(e.op));
}

/** Prometheus 3's delayed name removal, at the very end: names go, equal label sets merge or collide. */
function finish(v: EvalValue): EvalValue {
  if (v.type === 'vector') {
    for (const s of v.series) if (s.dropName) s.labels = withoutName(s.labels);
    return { type: 'vector', series: mergeSameLabels(v.series) };
  }
  if (v.type === 'matrix') {
    const series = v.series.map((s): RangeSeries => (s.dropName ? { ...s, labels: withoutName(s.labels) } : s));
    const seen = new Set<string>();
    for (const s of series) {
      const key = labelsKey(s.labels);
      if (seen.has(key)) throw duplicateLabelset();
      seen.add(key);
    }
    return { type: 'matrix', series };
  }
  return v;
}

function toInstant(v: EvalValue, t: number, ordered: boolean): QueryValue {
  switch (v.type) {
    case 'scalar':
      return { kind: 'scalar', t, v: v.values[0]! };
    case 'string':
      return { kind: 'string', t, v: v.value };
    case 'matrix':
      return { kind: 'matrix', series: [...v.series].sort((a, b) => compareLabelSets(a.labels, b.labels)) };
    case 'vector': {
      const series = v.series.filter((s) => s.present[0] === 1).map((s) => ({ labels: s.labels, timestamps: Float64Array.of(t), values: s.values.subarray(0, 1) }));
      if (!ordered) series.sort((a, b) => compareLabelSets(a.labels, b.labels));
      return { kind: 'vector', t, series };
    }
  }
}

async function toMatrix(v: EvalValue, steps: Float64Array, budget: QueryBudget): Promise<QueryValue> {
  if (v.type === 'scalar') return { kind: 'matrix', series: [{ labels: [], timestamps: steps, values: v.values }] };
  if (v.type !== 'vector') throw badData(`invalid expression type ${JSON.stringify(v.type)} for range query, must be Scalar or instant Vector`);
  const series: ResultSeries[] = [];
  for (const s of v.series) {
    const c = compact(s, steps);
    if (c.timestamps.length > 0) series.push(c);
    await budget.checkpoint();
  }
  return { kind: 'matrix', series: series.sort((a, b) => compareLabelSets(a.labels, b.labels)) };
}

function compact(s: StepSeries, steps: Float64Array): ResultSeries {
  let n = 0;
  for (let i = 0; i < steps.length; i++) n += s.present[i]!;
  const timestamps = new Float64Array(n);
  const values = new Float64Array(n);
  let j = 0;
  for (let i = 0; i < steps.length; i++) {
    if (s.present[i] === 0) continue;
    timestamps[j] = steps[i]!;
    values[j++] = s.values[i]!;
  }
  return { labels: s.labels, timestamps, values };
}
