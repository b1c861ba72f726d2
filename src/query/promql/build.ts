import { badData } from '../errors.js';
import { compileMatcherRegex } from '../matchers.js';
import type { LabelMatcher } from '../querier.js';
import type { AggregateOp, AtModifier, BinaryOp, DurationExpr, Expr, VectorMatching } from './ast.js';
import { buildDuration, buildOffset } from './build-duration.js';
import { parseNumberLiteral, unquoteString } from './literals.js';
import type { SyntaxNode } from './syntax.js';
import { children, decodeAt, parseError, textOf } from './syntax.js';

const MATCH_OPS: Readonly<Record<string, LabelMatcher['type']>> = { EqlSingle: '=', Neq: '!=', EqlRegex: '=~', NeqRegex: '!~' };

const BINARY_OPS: Readonly<Record<string, BinaryOp>> = {
  Add: '+', Sub: '-', Mul: '*', Div: '/', Mod: '%', Pow: '^', Atan2: 'atan2',
  Eql: '==', Neq: '!=', Gtr: '>', Lss: '<', Gte: '>=', Lte: '<=', And: 'and', Or: 'or', Unless: 'unless',
};

/** Syntax lezer knows that Prometheus keeps behind experimental flags, and cairn does not evaluate. */
const NOT_SUPPORTED: Readonly<Record<string, string>> = {
  AnchoredExpr: 'the experimental "anchored" modifier',
  SmoothedExpr: 'the experimental "smoothed" modifier',
  TrimUpper: 'the experimental "</" operator',
  TrimLower: 'the experimental ">/" operator',
  FillModifier: 'the experimental fill modifiers',
};

/** Turns one lezer expression node into the engine's AST (syntax only; types are checked after). */
export function buildExpr(node: SyntaxNode, q: string): Expr {
  switch (node.name) {
    case 'NumberDurationLiteral':
      return { kind: 'number', value: decodeAt(node, q, parseNumberLiteral) };
    case 'StringLiteral':
      return { kind: 'string', value: decodeAt(node, q, unquoteString) };
    case 'ParenExpr':
      return { kind: 'paren', expr: buildExpr(children(node)[0]!, q) };
    case 'UnaryExpr': {
      const [op, operand] = children(node);
      return { kind: 'unary', op: textOf(op!, q) === '-' ? '-' : '+', expr: buildExpr(operand!, q) };
    }
    case 'BinaryExpr':
      return binary(node, q);
    case 'VectorSelector':
      return { kind: 'vectorSelector', ...selector(node, q), offset: null, at: null };
    case 'MatrixSelector':
      return matrix(node, q);
    case 'SubqueryExpr':
      return subquery(node, q);
    case 'OffsetExpr':
      return withOffset(node, q);
    case 'StepInvariantExpr':
      return withAt(node, q);
    case 'FunctionCall':
      return call(node, q);
    case 'AggregateExpr':
      return aggregate(node, q);
    default: {
      const what = NOT_SUPPORTED[node.name];
      if (what !== undefined) throw badData(`not supported: ${what}`);
      throw parseError(q, node.from, `unexpected ${JSON.stringify(textOf(node, q).slice(0, 20))}`);
    }
  }
}

function binary(node: SyntaxNode, q: string): Expr {
  const parts = children(node);
  const opNode = parts[1]!;
  const op = BINARY_OPS[opNode.name];
  if (op === undefined) throw badData(`not supported: ${NOT_SUPPORTED[opNode.name] ?? `operator ${textOf(opNode, q)}`}`);
  if (parts.some((p) => p.name === 'FillModifier')) throw badData(`not supported: ${NOT_SUPPORTED.FillModifier}`);
  const clause = parts.find((p) => p.name === 'MatchingModifierClause');
  return {
    kind: 'binary',
    op,
    lhs: buildExpr(parts[0]!, q),
    rhs: buildExpr(parts[parts.length - 1]!, q),
    bool: parts.some((p) => p.name === 'BoolModifier'),
    matching: matching(clause, op, q),
  };
}

function matching(clause: SyntaxNode | undefined, op: BinaryOp, q: string): VectorMatching {
  const setOp = op === 'and' || op === 'or' || op === 'unless';
  const card = setOp ? 'many-to-many' : 'one-to-one';
  if (clause === undefined) return { card, on: false, labels: [], include: [], written: false };
  const parts = children(clause);
  const groups = parts.filter((p) => p.name === 'GroupingLabels');
  const side = parts.find((p) => p.name === 'GroupLeft' || p.name === 'GroupRight');
  if (side !== undefined && setOp) throw parseError(q, clause.from, `no grouping allowed for "${op}" operation`);
  return {
    card: side === undefined ? card : side.name === 'GroupLeft' ? 'many-to-one' : 'one-to-many',
    on: parts[0]!.name === 'On',
    labels: groupingLabels(groups[0] ?? null, q),
    include: groupingLabels(groups[1] ?? null, q),
    written: true,
  };
}

export function groupingLabels(node: SyntaxNode | null, q: string): string[] {
  return children(node).map((n) => (n.name === 'LabelName' ? textOf(n, q) : decodeAt(n, q, unquoteString)));
}

function selector(node: SyntaxNode, q: string): { name: string; matchers: LabelMatcher[] } {
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
  const all = names.length === 1 ? [{ name: '__name__', type: '=' as const, value: names[0]! }, ...matchers] : matchers;
  const written = names[0] ?? matchers.find((m) => m.name === '__name__' && m.type === '=')?.value ?? '';
  return { name: identifier === null ? written : names[0]!, matchers: all };
}

/**
 * Ranges, subqueries, `offset` and `@` bind tighter than any operator in PromQL, but the lezer
 * grammar attaches them to the whole expression before them (`a + b offset 5m`); they belong
 * to its rightmost operand.
 */
function postfix(inner: Expr, apply: (operand: Expr) => Expr): Expr {
  if (inner.kind === 'binary') return { ...inner, rhs: postfix(inner.rhs, apply) };
  if (inner.kind === 'unary') return { ...inner, expr: postfix(inner.expr, apply) };
  return apply(inner);
}

function matrix(node: SyntaxNode, q: string): Expr {
  const [inner, range] = children(node);
  const duration = buildDuration(range!, q);
  return postfix(buildExpr(inner!, q), (vs) => {
    if (vs.kind !== 'vectorSelector') throw parseError(q, node.from, 'ranges only allowed for vector selectors');
    if (vs.offset !== null) throw parseError(q, node.from, 'no offset modifiers allowed before range');
    if (vs.at !== null) throw parseError(q, node.from, 'no @ modifiers allowed before range');
    return { kind: 'matrixSelector', selector: vs, range: duration };
  });
}

function subquery(node: SyntaxNode, q: string): Expr {
  const parts = children(node);
  const durations = parts.filter((p) => p.name === 'DurationExpr');
  const step: DurationExpr | null = durations[1] === undefined ? null : buildDuration(durations[1], q);
  const range = buildDuration(durations[0]!, q);
  return postfix(buildExpr(parts[0]!, q), (expr) => ({ kind: 'subquery', expr, range, step, offset: null, at: null }));
}

function withOffset(node: SyntaxNode, q: string): Expr {
  const parts = children(node);
  const offset = buildOffset(parts[parts.length - 1]!, q);
  return postfix(buildExpr(parts[0]!, q), (inner) => offsetOn(inner, offset, node, q));
}

function offsetOn(inner: Expr, offset: DurationExpr, node: SyntaxNode, q: string): Expr {
  const what = 'offset modifier must be preceded by an instant vector selector or range vector selector or a subquery';
  switch (inner.kind) {
    case 'vectorSelector':
    case 'subquery':
      if (inner.offset !== null) throw parseError(q, node.from, 'offset may not be set multiple times');
      return { ...inner, offset };
    case 'matrixSelector':
      if (inner.selector.offset !== null) throw parseError(q, node.from, 'offset may not be set multiple times');
      return { ...inner, selector: { ...inner.selector, offset } };
    default:
      throw parseError(q, node.from, what);
  }
}

function withAt(node: SyntaxNode, q: string): Expr {
  const parts = children(node);
  const at = atModifier(parts[parts.length - 1]!, q);
  return postfix(buildExpr(parts[0]!, q), (inner) => atOn(inner, at, node, q));
}

function atModifier(target: SyntaxNode, q: string): AtModifier {
  let at: AtModifier;
  if (target.name === 'AtModifierPreprocessors') at = { kind: target.firstChild?.name === 'AtStart' ? 'start' : 'end' };
  else {
    const seconds = decodeAt(target, q, parseNumberLiteral);
    if (!Number.isFinite(seconds) || Math.abs(seconds * 1000) > 9.2e18) throw parseError(q, target.from, `timestamp out of bounds for @ modifier: ${seconds}`);
    at = { kind: 'time', ms: Math.round(seconds * 1000) };
  }
  return at;
}

function atOn(inner: Expr, at: AtModifier, node: SyntaxNode, q: string): Expr {
  const what = '@ modifier must be preceded by an instant vector selector or range vector selector or a subquery';
  switch (inner.kind) {
    case 'vectorSelector':
    case 'subquery':
      if (inner.at !== null) throw parseError(q, node.from, '@ <timestamp> may not be set multiple times');
      return { ...inner, at };
    case 'matrixSelector':
      if (inner.selector.at !== null) throw parseError(q, node.from, '@ <timestamp> may not be set multiple times');
      return { ...inner, selector: { ...inner.selector, at } };
    default:
      throw parseError(q, node.from, what);
  }
}

function call(node: SyntaxNode, q: string): Expr {
  // Read from the query as written: `min_of` was renamed for the grammar (see normaliseForGrammar).
  const func = /^[A-Za-z_][A-Za-z0-9_]*/.exec(q.slice(node.from))?.[0] ?? '';
  const args = children(node.getChild('FunctionCallBody')).map((a) => buildExpr(a, q));
  return { kind: 'call', func, args };
}

function aggregate(node: SyntaxNode, q: string): Expr {
  // Prometheus' lexer reads aggregation keywords in any case and prints them lowercase.
  const op = textOf(node.getChild('AggregateOp'), q).toLowerCase() as AggregateOp;
  const modifier = node.getChild('AggregateModifier');
  const args = children(node.getChild('FunctionCallBody')).map((a) => buildExpr(a, q));
  const takesParam = ['topk', 'bottomk', 'quantile', 'count_values', 'limitk', 'limit_ratio'].includes(op);
  const wanted = takesParam ? 2 : 1;
  if (args.length !== wanted) {
    throw parseError(q, node.from, args.length > wanted ? `wrong number of arguments for aggregate expression provided, expected ${wanted}, got ${args.length}` : `wrong number of arguments for aggregate expression provided, expected ${wanted}, got ${args.length}`);
  }
  return {
    kind: 'aggregate',
    op,
    expr: args[wanted - 1]!,
    param: takesParam ? args[0]! : null,
    grouping: groupingLabels(modifier?.getChild('GroupingLabels') ?? null, q),
    without: modifier?.firstChild?.name === 'Without',
    hasGrouping: modifier !== null,
  };
}
