import { parser } from '@prometheus-io/lezer-promql';
import { CairnError } from '../../errors/index.js';
import { badData } from '../errors.js';
import { compileMatcherRegex, hasNonEmptyMatcher } from '../matchers.js';
import type { Expr } from './expr.js';
import { ARITHMETIC, COMPARISON, SET_OPERATORS } from './expr.js';
import { parseNumberLiteral, unquoteString } from './literals.js';
import type { LabelMatcher } from '../querier.js';

type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

const MATCH_OPS: Readonly<Record<string, LabelMatcher['type']>> = { EqlSingle: '=', Neq: '!=', EqlRegex: '=~', NeqRegex: '!~' };

/** What each PromQL construct cairn does not evaluate yet is called in the error. */
const UNSUPPORTED: Readonly<Record<string, (node: SyntaxNode, q: string) => string>> = {
  FunctionCall: (n, q) => `function ${JSON.stringify(textOf(n.getChild('FunctionIdentifier'), q))}`,
  AggregateExpr: (n, q) => `aggregation ${JSON.stringify(textOf(n.getChild('AggregateOp'), q))}`,
  MatrixSelector: () => 'range selectors',
  SubqueryExpr: () => 'subqueries',
  OffsetExpr: () => 'the offset modifier',
  StepInvariantExpr: () => 'the @ modifier',
  AnchoredExpr: () => 'the anchored modifier',
  SmoothedExpr: () => 'the smoothed modifier',
};

/**
 * Parses a query into what cairn can evaluate. Throws a bad_data CairnError: `<line>:<col>:
 * parse error: …` for invalid PromQL, `not supported yet: …` for valid PromQL beyond the subset.
 */
export function parseQuery(query: string): Expr {
  const { expr, node } = parseTop(query);
  // Prometheus refuses selectors that would match every series.
  if (expr.kind === 'selector' && !hasNonEmptyMatcher(expr.matchers)) throw parseError(query, node.from, 'vector selector must contain at least one non-empty matcher');
  return expr;
}

/** A `match[]` value: exactly one vector selector, as Prometheus' ParseMetricSelector wants (the caller checks emptiness). */
export function parseSelector(text: string): readonly LabelMatcher[] {
  const { expr, node } = parseTop(text);
  if (expr.kind !== 'selector') throw parseError(text, node.from, `expected a vector selector, got a ${expr.kind}`);
  return expr.matchers;
}

function parseTop(query: string): { readonly expr: Expr; readonly node: SyntaxNode } {
  if (query.replace(/#[^\n]*/g, '').trim() === '') throw parseError(query, 0, 'no expression found in input');
  const top = parser.parse(query).topNode;
  checkSyntax(top, query);
  const exprs = children(top);
  if (exprs.length !== 1) throw parseError(query, exprs[1]?.from ?? 0, `unexpected ${JSON.stringify(textOf(exprs[1] ?? null, query))}`);
  return { expr: toExpr(exprs[0]!, query), node: exprs[0]! };
}

function toExpr(node: SyntaxNode, q: string): Expr {
  switch (node.name) {
    case 'NumberDurationLiteral':
      return { kind: 'scalar', value: decodeAt(node, q, parseNumberLiteral) };
    case 'StringLiteral':
      return { kind: 'string', value: decodeAt(node, q, unquoteString) };
    case 'ParenExpr':
      return toExpr(children(node)[0]!, q);
    case 'UnaryExpr':
      return unary(node, q);
    case 'BinaryExpr':
      return binary(node, q);
    case 'VectorSelector':
      return { kind: 'selector', matchers: selectorMatchers(node, q) };
    default: {
      const describe = UNSUPPORTED[node.name];
      throw badData(`not supported yet: ${describe === undefined ? node.name : describe(node, q)}`);
    }
  }
}

function unary(node: SyntaxNode, q: string): Expr {
  const [op, operand] = children(node);
  const inner = toExpr(operand!, q);
  const sign = textOf(op!, q);
  if (inner.kind === 'string') throw parseError(q, node.from, `unary expression only allowed on expressions of type scalar or instant vector, got "string"`);
  if (inner.kind !== 'scalar') throw badData(`not supported yet: unary ${JSON.stringify(sign)} on instant vectors`);
  return { kind: 'scalar', value: sign === '-' ? -inner.value : inner.value };
}

function binary(node: SyntaxNode, q: string): Expr {
  const parts = children(node);
  const [lhsNode, opNode] = parts;
  const rhsNode = parts[parts.length - 1]!;
  const opName = opNode!.name;
  const opText = textOf(opNode!, q);
  const lhs = toExpr(lhsNode!, q);
  const rhs = toExpr(rhsNode, q);
  if (lhs.kind === 'string' || rhs.kind === 'string') throw parseError(q, node.from, `binary expression must contain only scalar and instant vector types`);
  if (lhs.kind !== 'scalar' || rhs.kind !== 'scalar') throw badData(`not supported yet: binary operator ${JSON.stringify(opText)} on instant vectors`);
  if (SET_OPERATORS.has(opName)) throw parseError(q, node.from, `set operator ${JSON.stringify(opText)} not allowed in binary scalar expression`);
  if (parts.some((p) => p.name === 'MatchingModifierClause')) throw parseError(q, node.from, 'vector matching only allowed between instant vectors');
  if (parts.some((p) => p.name === 'FillModifier')) throw badData('not supported yet: fill modifiers');
  const hasBool = parts.some((p) => p.name === 'BoolModifier');
  const compare = COMPARISON[opName];
  if (compare !== undefined) {
    if (!hasBool) throw parseError(q, node.from, 'comparisons between scalars must use BOOL modifier');
    return { kind: 'scalar', value: compare(lhs.value, rhs.value) };
  }
  if (hasBool) throw parseError(q, node.from, 'bool modifier can only be used on comparison operators');
  const arithmetic = ARITHMETIC[opName];
  if (arithmetic === undefined) throw badData(`not supported yet: binary operator ${JSON.stringify(opText)}`);
  return { kind: 'scalar', value: arithmetic(lhs.value, rhs.value) };
}

function selectorMatchers(node: SyntaxNode, q: string): LabelMatcher[] {
  const names: string[] = [];
  const identifier = node.getChild('Identifier');
  if (identifier !== null) names.push(textOf(identifier, q));
  const matchers: LabelMatcher[] = [];
  for (const m of children(node.getChild('LabelMatchers'))) {
    if (m.name === 'QuotedLabelName') {
      names.push(decodeAt(m, q, unquoteString));
      continue;
    }
    const nameNode = m.getChild('LabelName') ?? m.getChild('QuotedLabelName');
    const name = nameNode?.name === 'LabelName' ? textOf(nameNode, q) : decodeAt(nameNode!, q, unquoteString);
    const type = MATCH_OPS[m.getChild('MatchOp')?.firstChild?.name ?? '']!;
    const valueNode = m.getChild('StringLiteral')!;
    const value = decodeAt(valueNode, q, unquoteString);
    // The store compiles regexes itself; checking here makes a bad one a parse error, as in Prometheus.
    if (type === '=~' || type === '!~') decodeAt(valueNode, q, () => compileMatcherRegex(value));
    if (name === '__name__' && names.length > 0) throw parseError(q, m.from, `metric name must not be set twice: ${JSON.stringify(names[0])} or ${JSON.stringify(value)}`);
    matchers.push({ name, type, value });
  }
  if (names.length > 1) throw parseError(q, node.from, `metric name must not be set twice: ${JSON.stringify(names[0])} or ${JSON.stringify(names[1])}`);
  return names.length === 1 ? [{ name: '__name__', type: '=', value: names[0]! }, ...matchers] : matchers;
}

/** Decodes a node's text, reporting a failure as a parse error at the node. */
function decodeAt<T>(node: SyntaxNode, q: string, decode: (text: string) => T): T {
  try {
    return decode(textOf(node, q));
  } catch (err) {
    throw parseError(q, node.from, err instanceof Error ? err.message : String(err));
  }
}

/**
 * The first syntax error lezer recovered from, in Prometheus' `line:col: parse error:` form. An
 * unterminated string swallows the rest of the query, so it is named instead of the error it causes.
 */
function checkSyntax(top: SyntaxNode, q: string): void {
  let at = -1;
  let openString = -1;
  top.cursor().iterate((n) => {
    if (n.type.isError && at < 0) at = n.from;
    if (n.name === 'StringLiteral' && openString < 0 && !isTerminated(q.slice(n.from, n.to))) openString = n.from;
  });
  if (openString >= 0) throw parseError(q, openString, 'unterminated quoted string');
  if (at < 0) return;
  const rest = q.slice(at).trimStart();
  throw parseError(q, at, rest === '' ? 'unexpected end of input' : `unexpected ${JSON.stringify(rest.slice(0, 20))}`);
}

function isTerminated(literal: string): boolean {
  if (literal.length < 2 || literal[literal.length - 1] !== literal[0]) return false;
  if (literal[0] === '`') return true;
  // A closing quote preceded by an odd number of backslashes is escaped.
  const trailing = /\\*$/.exec(literal.slice(1, -1))?.[0].length ?? 0;
  return trailing % 2 === 0;
}

function parseError(q: string, at: number, message: string): CairnError {
  const before = q.slice(0, at);
  const line = before.split('\n').length;
  const col = at - before.lastIndexOf('\n');
  return badData(`${line}:${col}: parse error: ${message}`);
}

/** Syntax children without comments (lezer puts skipped `# …` comments into the tree). */
function children(node: SyntaxNode | null): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node?.firstChild ?? null; c !== null; c = c.nextSibling) if (c.name !== 'LineComment') out.push(c);
  return out;
}

function textOf(node: SyntaxNode | null, q: string): string {
  return node === null ? '' : q.slice(node.from, node.to);
}
