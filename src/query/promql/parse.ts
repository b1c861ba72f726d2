import type { LabelMatcher } from '../querier.js';
import type { Expr, ValueType } from './ast.js';
import { unwrapParens } from './ast.js';
import { buildExpr } from './build.js';
import type { SyntaxNode } from './syntax.js';
import { checkSyntax, children, normaliseForGrammar, parseError, parser, textOf } from './syntax.js';
import { typeOf } from './typecheck.js';

const KIND_WORDS: Readonly<Record<string, string>> = { number: 'a number', string: 'a string', call: 'a function call', aggregate: 'an aggregation', binary: 'a binary expression', matrixSelector: 'a range selector', subquery: 'a subquery', unary: 'a unary expression' };

export interface ParsedQuery {
  readonly expr: Expr;
  readonly type: ValueType;
}

/**
 * Parses and type-checks a PromQL query. Throws a bad_data CairnError: `<line>:<col>: parse
 * error: …` for invalid PromQL, `not supported: …` for experimental syntax cairn does not evaluate.
 */
export function parseQuery(query: string): ParsedQuery {
  const { expr } = parseTop(query);
  return { expr, type: typeOf(expr) };
}

/** A `match[]` value: exactly one vector selector, as Prometheus' ParseMetricSelector wants (the caller checks emptiness). */
export function parseSelector(text: string): readonly LabelMatcher[] {
  const { expr, node } = parseTop(text);
  const inner = unwrapParens(expr);
  if (inner.kind !== 'vectorSelector') throw parseError(text, node.from, `expected a vector selector, got ${KIND_WORDS[inner.kind] ?? inner.kind}`);
  return inner.matchers;
}

function parseTop(query: string): { readonly expr: Expr; readonly node: SyntaxNode } {
  if (query.replace(/#[^\n]*/g, '').trim() === '') throw parseError(query, 0, 'no expression found in input');
  const text = normaliseForGrammar(query);
  const top = parser.parse(text).topNode;
  checkSyntax(top, text);
  const exprs = children(top);
  if (exprs.length !== 1) throw parseError(query, exprs[1]?.from ?? 0, `unexpected ${JSON.stringify(textOf(exprs[1] ?? null, text))}`);
  // The tree is of the rewritten text; its nodes are read from the original, position for position.
  return { expr: buildExpr(exprs[0]!, query), node: exprs[0]! };
}
