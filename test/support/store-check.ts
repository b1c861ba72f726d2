import type { Labels, MatrixSeries, PromApi } from './prom-api.js';
import { labelsKey, stepValues } from './prom-api.js';

// Checking that the store gives back exactly what was sent, through the query API.

/** The points one Prometheus series should hold: time (ms) → value. */
export interface ExpectedSeries {
  readonly labels: Labels;
  readonly points: Map<number, number>;
}

export interface Mismatch {
  readonly series: string;
  readonly timeMs: number;
  readonly expected: number;
  readonly got: number | undefined;
}

export interface CheckResult {
  readonly checked: number;
  readonly mismatches: Mismatch[];
  /** Series in the answer that were not expected (label sets as keys). */
  readonly unexpectedSeries: string[];
}

/**
 * Queries `query` over [startMs, endMs] at `stepMs` (samples must sit on the steps) and
 * compares every expected point in that range with the value at its step. A point that is
 * missing shows up as a wrong value (the lookback carries the previous one) or no value.
 */
export async function checkExact(api: PromApi, query: string, expected: readonly ExpectedSeries[], startMs: number, endMs: number, stepMs: number): Promise<CheckResult> {
  const answer = await api.queryRangeAll(query, startMs, endMs, stepMs);
  return compare(answer, expected, startMs, endMs);
}

export function compare(answer: readonly MatrixSeries[], expected: readonly ExpectedSeries[], startMs: number, endMs: number): CheckResult {
  const got = new Map(answer.map((s) => [labelsKey(s.metric), stepValues(s)]));
  const mismatches: Mismatch[] = [];
  let checked = 0;
  const expectedKeys = new Set<string>();
  for (const e of expected) {
    const key = labelsKey(e.labels);
    expectedKeys.add(key);
    const steps = got.get(key);
    for (const [t, v] of e.points) {
      if (t < startMs || t > endMs) continue;
      checked++;
      const g = steps?.get(t);
      if (g === undefined || !Object.is(g, v)) mismatches.push({ series: key, timeMs: t, expected: v, got: g });
    }
  }
  const unexpectedSeries = [...got.keys()].filter((k) => !expectedKeys.has(k));
  return { checked, mismatches, unexpectedSeries };
}

/** A short description of a check for assertion messages. */
export function describeCheck(r: CheckResult, max = 8): string {
  const first = r.mismatches.slice(0, max).map((m) => `  ${m.series} @${m.timeMs}: expected ${m.expected}, got ${m.got}`);
  return `${r.mismatches.length} of ${r.checked} points wrong or missing${r.unexpectedSeries.length > 0 ? `; unexpected series ${r.unexpectedSeries.slice(0, 3).join(' ')}` : ''}\n${first.join('\n')}`;
}
