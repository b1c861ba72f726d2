import type { LabelMatcher } from '../querier.js';

/** PromQL's value types, named as Prometheus names them in messages. */
export type ValueType = 'scalar' | 'vector' | 'matrix' | 'string';

/** How Prometheus spells each type in its error messages. */
export const TYPE_NAME: Readonly<Record<ValueType, string>> = {
  scalar: 'scalar',
  vector: 'instant vector',
  matrix: 'range vector',
  string: 'string',
};

/**
 * A duration as written in a range, offset or subquery step: a literal, or (Prometheus 3.14)
 * arithmetic over literals, `step()`, `range()`, `min_of`/`max_of`. Seconds, resolved per query.
 */
export type DurationExpr =
  | { readonly kind: 'seconds'; readonly value: number }
  | { readonly kind: 'step' | 'range' }
  | { readonly kind: 'unary'; readonly op: '-' | '+'; readonly operand: DurationExpr }
  | { readonly kind: 'binary'; readonly op: '+' | '-' | '*' | '/' | '%' | '^' | 'min_of' | 'max_of'; readonly lhs: DurationExpr; readonly rhs: DurationExpr };

/** `@ <time>`, `@ start()`, `@ end()`. */
export type AtModifier = { readonly kind: 'time'; readonly ms: number } | { readonly kind: 'start' | 'end' };

/** Time shifts shared by selectors and subqueries. */
export interface TimeModifiers {
  readonly offset: DurationExpr | null;
  readonly at: AtModifier | null;
}

export interface VectorSelectorNode extends TimeModifiers {
  readonly kind: 'vectorSelector';
  /** The metric name as written before the braces, '' when none. */
  readonly name: string;
  readonly matchers: readonly LabelMatcher[];
}

export interface MatrixSelectorNode {
  readonly kind: 'matrixSelector';
  readonly selector: VectorSelectorNode;
  readonly range: DurationExpr;
}

export interface SubqueryNode extends TimeModifiers {
  readonly kind: 'subquery';
  readonly expr: Expr;
  readonly range: DurationExpr;
  /** null: the default evaluation interval. */
  readonly step: DurationExpr | null;
}

export type AggregateOp = 'sum' | 'avg' | 'min' | 'max' | 'count' | 'group' | 'stddev' | 'stdvar' | 'topk' | 'bottomk' | 'quantile' | 'count_values' | 'limitk' | 'limit_ratio';

export interface AggregateNode {
  readonly kind: 'aggregate';
  readonly op: AggregateOp;
  readonly expr: Expr;
  readonly param: Expr | null;
  readonly grouping: readonly string[];
  readonly without: boolean;
  /** Whether `by`/`without` was written (`sum by () (x)` differs from `sum(x)` only in print). */
  readonly hasGrouping: boolean;
}

export type BinaryOp = '+' | '-' | '*' | '/' | '%' | '^' | 'atan2' | '==' | '!=' | '>' | '<' | '>=' | '<=' | 'and' | 'or' | 'unless';

export interface VectorMatching {
  readonly card: 'one-to-one' | 'many-to-one' | 'one-to-many' | 'many-to-many';
  /** `on(...)` when true, `ignoring(...)` (or nothing written) when false. */
  readonly on: boolean;
  readonly labels: readonly string[];
  /** Labels copied from the "one" side with group_left/group_right(...). */
  readonly include: readonly string[];
  /** Whether on/ignoring was written at all (for printing). */
  readonly written: boolean;
}

export interface BinaryNode {
  readonly kind: 'binary';
  readonly op: BinaryOp;
  readonly lhs: Expr;
  readonly rhs: Expr;
  readonly bool: boolean;
  readonly matching: VectorMatching;
}

export interface CallNode {
  readonly kind: 'call';
  readonly func: string;
  readonly args: readonly Expr[];
}

export type Expr =
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'paren'; readonly expr: Expr }
  | { readonly kind: 'unary'; readonly op: '-' | '+'; readonly expr: Expr }
  | VectorSelectorNode
  | MatrixSelectorNode
  | SubqueryNode
  | AggregateNode
  | BinaryNode
  | CallNode;

export const COMPARISON_OPS: ReadonlySet<BinaryOp> = new Set(['==', '!=', '>', '<', '>=', '<=']);
export const SET_OPS: ReadonlySet<BinaryOp> = new Set(['and', 'or', 'unless']);

/** Parentheses removed from the top of an expression. */
export function unwrapParens(e: Expr): Expr {
  let cur = e;
  while (cur.kind === 'paren') cur = cur.expr;
  return cur;
}
