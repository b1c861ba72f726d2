// Compares an engine result with a promqltest expectation, by the upstream runner's rules.
import type { QueryResult, QueryValue } from '../../../src/query/index.js';
import type { EvalCommand, Expectation } from './script.js';
import { parsePoints } from './points.js';
import { seriesLabels } from './loader.js';

const EPSILON = 1e-6;
const MIN_NORMAL = 2.2250738585072014e-308;

/** Prometheus' almost.Equal: relative tolerance, NaN equals NaN. */
export function almostEqual(a: number, b: number): boolean {
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  if (a === b) return true;
  const absSum = Math.abs(a) + Math.abs(b);
  const diff = Math.abs(a - b);
  if (a === 0 || b === 0 || absSum < MIN_NORMAL) return diff < EPSILON * MIN_NORMAL;
  return diff / Math.min(absSum, Number.MAX_VALUE) < EPSILON;
}

interface ExpectedSeries {
  readonly key: string;
  readonly values: readonly (number | undefined)[];
}

function expectedSeries(cmd: EvalCommand): ExpectedSeries[] {
  return cmd.results.map(([descriptor, points]) => ({
    key: JSON.stringify(seriesLabels(descriptor)),
    values: parsePoints(points).points.map((p) => (p === 'missing' ? undefined : p === 'stale' ? NaN : p)),
  }));
}

/** Null when the result matches; otherwise what differs. */
export function compareResult(cmd: EvalCommand, value: QueryValue, ordered: boolean): string | null {
  if (cmd.expectString !== undefined) return value.kind === 'string' && value.v === cmd.expectString ? null : `expected string ${JSON.stringify(cmd.expectString)}, got ${describe(value)}`;
  const expected = expectedSeries(cmd);
  if (value.kind === 'scalar') {
    if (expected.length !== 1 || cmd.results[0]![0] !== '') return `expected ${expected.length} series, got scalar ${value.v}`;
    return almostEqual(expected[0]!.values[0] as number, value.v) ? null : `expected scalar ${expected[0]!.values[0]}, got ${value.v}`;
  }
  if (value.kind === 'string') return `unexpected string ${JSON.stringify(value.v)}`;
  const got = value.series.map((s) => ({ key: JSON.stringify(s.labels), ts: [...s.timestamps], vs: [...s.values] }));
  if (got.length !== expected.length) return `expected ${expected.length} series, got ${got.length}: ${got.map((g) => g.key).join(' ')}`;
  for (const [i, e] of expected.entries()) {
    const g = ordered ? got[i] : got.find((x) => x.key === e.key);
    if (g === undefined || g.key !== e.key) return `missing series ${e.key}${ordered ? ` at position ${i}` : ''}; got ${got.map((x) => x.key).join(' ')}`;
    const times = expectedTimes(cmd, value, e.values.length);
    const want: [number, number][] = [];
    e.values.forEach((v, j) => {
      if (v !== undefined) want.push([times[j]!, v]);
    });
    if (value.kind === 'vector') {
      if (want.length !== 1 || !almostEqual(want[0]![1], g.vs[0]!)) return `series ${e.key}: expected ${want.map((w) => w[1]).join(',')}, got ${g.vs[0]}`;
      continue;
    }
    if (want.length !== g.ts.length) return `series ${e.key}: expected ${JSON.stringify(want)}, got ${JSON.stringify(g.ts.map((t, k) => [t, g.vs[k]]))}`;
    for (const [k, [t, v]] of want.entries()) {
      if (t !== g.ts[k] || !almostEqual(v, g.vs[k]!)) return `series ${e.key}: expected ${JSON.stringify(want)}, got ${JSON.stringify(g.ts.map((x, n) => [x, g.vs[n]]))}`;
    }
  }
  return null;
}

function expectedTimes(cmd: EvalCommand, value: QueryValue, n: number): number[] {
  if (value.kind === 'vector') return [cmd.startMs];
  if (cmd.instant) {
    const rv = cmd.rangeVector;
    if (rv === undefined) return [];
    return Array.from({ length: n }, (_, i) => rv.startMs + i * rv.stepMs);
  }
  return Array.from({ length: n }, (_, i) => cmd.startMs + i * cmd.stepMs);
}

function describe(v: QueryValue): string {
  return v.kind === 'scalar' || v.kind === 'string' ? `${v.kind} ${v.v}` : `${v.kind} of ${v.series.length}`;
}

function matches(e: Expectation, message: string): boolean {
  if (e.match === undefined) return true;
  return e.match.type === 'msg' ? message.trim() === e.match.text.trim() : new RegExp(e.match.text).test(message);
}

/** Annotation expectations: each line must match one; when any line of a kind exists, every annotation of it must match a line. */
export function compareAnnotations(cmd: EvalCommand, result: QueryResult): string | null {
  for (const [kind, got] of [['warn', result.warnings], ['info', result.infos]] as const) {
    const lines = cmd.expects.filter((e) => e.kind === kind);
    if (cmd.expects.some((e) => e.kind === `no_${kind}`) && got.length > 0) return `unexpected ${kind}: ${got.join(' | ')}`;
    if (lines.length === 0) continue;
    for (const l of lines) if (!got.some((m) => matches(l, m))) return `expected ${kind} ${l.match?.text ?? ''}, got ${JSON.stringify(got)}`;
    for (const m of got) if (!lines.some((l) => matches(l, m))) return `unexpected ${kind}: ${m}`;
  }
  return null;
}

export function compareFailure(cmd: EvalCommand, message: string): string | null {
  const fail = cmd.expects.find((e) => e.kind === 'fail');
  if (fail === undefined) return `unexpected error: ${message}`;
  return matches(fail, message) ? null : `error ${JSON.stringify(message)} does not match ${JSON.stringify(fail.match?.text)}`;
}
