import type { LabelPairs } from '../querier.js';

/**
 * One series of an instant-vector expression evaluated at every step of the query, as columns:
 * `values[i]` is meaningful where `present[i]` is 1. `dropName` is Prometheus 3's delayed
 * `__name__` removal: the name stays for matching until the end of the query, then goes.
 */
export interface StepSeries {
  labels: LabelPairs;
  readonly values: Float64Array;
  readonly present: Uint8Array;
  dropName: boolean;
}

/** Samples of one series over a range (a range selector or a subquery), stale markers removed. */
export interface RangeSeries {
  readonly labels: LabelPairs;
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
  readonly dropName: boolean;
}

/** What an expression evaluates to, over all steps at once. */
export type EvalValue =
  | { readonly type: 'scalar'; readonly values: Float64Array }
  | { readonly type: 'vector'; readonly series: StepSeries[] }
  | { readonly type: 'matrix'; readonly series: RangeSeries[] }
  | { readonly type: 'string'; readonly value: string };

export function newStepSeries(labels: LabelPairs, steps: number, dropName = false): StepSeries {
  return { labels, values: new Float64Array(steps), present: new Uint8Array(steps), dropName };
}

/**
 * The series a range function writes one input's results into: `reused` (a sink's single
 * series, relabelled and cleared) when given, a new one otherwise.
 */
export function outputSeries(reused: StepSeries | undefined, labels: LabelPairs, steps: number, dropName: boolean): StepSeries {
  if (reused === undefined) return newStepSeries(labels, steps, dropName);
  reused.labels = labels;
  reused.dropName = dropName;
  reused.present.fill(0);
  return reused;
}

/** Whether any step holds a value. */
export function hasAny(s: StepSeries): boolean {
  return s.present.includes(1);
}

export function presentCount(s: StepSeries): number {
  let n = 0;
  for (let i = 0; i < s.present.length; i++) n += s.present[i]!;
  return n;
}

export function vectorOf(value: EvalValue): StepSeries[] {
  if (value.type !== 'vector') throw new Error(`internal: expected an instant vector, got ${value.type}`);
  return value.series;
}

export function scalarOf(value: EvalValue): Float64Array {
  if (value.type !== 'scalar') throw new Error(`internal: expected a scalar, got ${value.type}`);
  return value.values;
}

export function stringOf(value: EvalValue): string {
  if (value.type !== 'string') throw new Error(`internal: expected a string, got ${value.type}`);
  return value.value;
}
