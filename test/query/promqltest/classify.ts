// Why a promqltest case is out of cairn's scope, if it is: it needs native histograms, or an
// experimental Prometheus feature. Used to write promqltest/skips.ts and to check it.
import type { Expr } from '../../../src/query/index.js';
import type { LabelPairs } from '../../../src/query/index.js';
import { matcherPredicate, parseQuery } from '../../../src/query/index.js';
import type { EvalCommand } from './script.js';

const EXPERIMENTAL_FILES: Readonly<Record<string, string>> = {
  extended_vectors: 'experimental feature: anchored/smoothed range selectors',
  'fill-modifier': 'experimental feature: fill modifiers',
  info: 'experimental feature: info()',
  limit: 'experimental feature: limitk/limit_ratio',
  start_timestamps: 'experimental feature: start timestamps',
  type_and_unit: 'experimental feature: type and unit labels',
};
const EXPERIMENTAL_SYNTAX: readonly [RegExp, string][] = [
  [/\b(?:limitk|limit_ratio)\s*\(/, 'experimental feature: limitk/limit_ratio'],
  [/\binfo\s*\(/, 'experimental feature: info()'],
  [/\b(?:anchored|smoothed)\b/, 'experimental feature: anchored/smoothed range selectors'],
  [/\bfill(?:_left|_right)?\s*\(/, 'experimental feature: fill modifiers'],
  [/\bhistogram_quantiles\s*\(/, 'experimental feature: histogram_quantiles'],
];
const NATIVE_FUNCTIONS = /\bhistogram_(?:count|sum|avg|stddev|stdvar)\s*\(/;

function selectors(e: Expr, out: Expr[] = []): Expr[] {
  switch (e.kind) {
    case 'vectorSelector':
      out.push(e);
      break;
    case 'matrixSelector':
      out.push(e.selector);
      break;
    case 'paren':
    case 'unary':
    case 'subquery':
      selectors(e.expr, out);
      break;
    case 'aggregate':
      selectors(e.expr, out);
      if (e.param !== null) selectors(e.param, out);
      break;
    case 'binary':
      selectors(e.lhs, out);
      selectors(e.rhs, out);
      break;
    case 'call':
      for (const a of e.args) selectors(a, out);
      break;
    default:
      break;
  }
  return out;
}

/**
 * The reason a case is out of scope, or undefined. `native` are the series the case's data
 * held native histogram samples for (as loaded, or as `load_with_nhcb` converts `_bucket`
 * series to, under their base name).
 */
export function outOfScopeReason(file: string, cmd: EvalCommand, native: readonly LabelPairs[]): string | undefined {
  const experimental = EXPERIMENTAL_FILES[file] ?? EXPERIMENTAL_SYNTAX.find(([re]) => re.test(cmd.query))?.[1];
  if (experimental !== undefined) return experimental;
  if (file === 'native_histograms' || cmd.results.some(([, points]) => points.includes('{{')) || NATIVE_FUNCTIONS.test(cmd.query)) return 'native histogram';
  let expr: Expr;
  try {
    expr = parseQuery(cmd.query).expr;
  } catch {
    return undefined;
  }
  for (const s of selectors(expr)) {
    if (s.kind !== 'vectorSelector') continue;
    const tests = s.matchers.map((m) => ({ name: m.name, test: matcherPredicate(m) }));
    if (native.some((labels) => tests.every((t) => t.test(labels.find(([k]) => k === t.name)?.[1] ?? '')))) return 'native histogram';
  }
  return undefined;
}
