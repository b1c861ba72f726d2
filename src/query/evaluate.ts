import { badData } from './errors.js';
import { compareLabelSets } from './label-order.js';
import type { Expr } from './promql/expr.js';
import type { LabelMatcher, LabelPairs, Querier, SeriesSamples } from './querier.js';
import { isStaleMarker } from './stale-marker.js';

/** How far back an instant selector looks for a sample: Prometheus' default lookback delta. */
export const DEFAULT_LOOKBACK_MS = 5 * 60_000;

export interface Points {
  readonly timestamps: number[];
  readonly values: number[];
}

export interface LabeledPoints extends Points {
  readonly labels: LabelPairs;
}

/** A query result, shaped like Prometheus' result types. */
export type QueryValue =
  | { readonly kind: 'scalar'; readonly t: number; readonly v: number }
  | { readonly kind: 'string'; readonly t: number; readonly v: string }
  | { readonly kind: 'vector'; readonly t: number; readonly series: readonly LabeledPoints[] }
  | { readonly kind: 'matrix'; readonly series: readonly LabeledPoints[] };

/** Evaluation steps in milliseconds: start, start+step, … while ≤ end (an instant query is one step). */
export interface Steps {
  readonly startMs: number;
  readonly endMs: number;
  readonly stepMs: number;
}

export async function evaluateInstant(querier: Querier, expr: Expr, timeMs: number, lookbackMs: number): Promise<QueryValue> {
  switch (expr.kind) {
    case 'scalar':
      return { kind: 'scalar', t: timeMs, v: expr.value };
    case 'string':
      return { kind: 'string', t: timeMs, v: expr.value };
    case 'selector':
      return { kind: 'vector', t: timeMs, series: await selectAtSteps(querier, expr.matchers, { startMs: timeMs, endMs: timeMs, stepMs: 1 }, lookbackMs) };
  }
}

export async function evaluateRange(querier: Querier, expr: Expr, steps: Steps, lookbackMs: number): Promise<QueryValue> {
  switch (expr.kind) {
    case 'scalar': {
      const points: LabeledPoints = { labels: [], timestamps: [], values: [] };
      for (let t = steps.startMs; t <= steps.endMs; t += steps.stepMs) {
        points.timestamps.push(t);
        points.values.push(expr.value);
      }
      return { kind: 'matrix', series: [points] };
    }
    case 'string':
      throw badData('invalid parameter "query": invalid expression type "string" for range query, must be Scalar or instant Vector');
    case 'selector':
      return { kind: 'matrix', series: await selectAtSteps(querier, expr.matchers, steps, lookbackMs) };
  }
}

/** Every matching series' value at each step; series without any value are left out. */
async function selectAtSteps(querier: Querier, matchers: readonly LabelMatcher[], steps: Steps, lookbackMs: number): Promise<LabeledPoints[]> {
  // The first step sees samples newer than start − lookback; the select range is inclusive.
  const selected = await querier.select(matchers, steps.startMs - lookbackMs + 1, steps.endMs);
  const out: LabeledPoints[] = [];
  for (const series of selected) {
    const points = pointsAtSteps(series, steps, lookbackMs);
    if (points.timestamps.length > 0) out.push({ labels: series.labels, ...points });
  }
  return out.sort((a, b) => compareLabelSets(a.labels, b.labels));
}

/**
 * At each step t the value is the newest sample in (t − lookback, t], unless that sample is a
 * stale marker, which means the series had ended by then. One pass over the samples for all steps.
 */
export function pointsAtSteps(series: SeriesSamples, steps: Steps, lookbackMs: number): Points {
  const { timestamps: ts, values } = series;
  const points: Points = { timestamps: [], values: [] };
  let newest = -1;
  for (let t = steps.startMs; t <= steps.endMs; t += steps.stepMs) {
    while (newest + 1 < ts.length && ts[newest + 1]! <= t) newest++;
    if (newest < 0 || ts[newest]! <= t - lookbackMs || isStaleMarker(values, newest)) continue;
    points.timestamps.push(t);
    points.values.push(values[newest]!);
  }
  return points;
}
