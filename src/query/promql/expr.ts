import type { LabelMatcher } from '../querier.js';

/** The part of PromQL cairn evaluates so far: literals and instant-vector selectors. */
export type Expr =
  | { readonly kind: 'scalar'; readonly value: number }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'selector'; readonly matchers: readonly LabelMatcher[] };

type ScalarOp = (a: number, b: number) => number;

/** Go's math.Pow agrees with `**` except that 1 and −1 raised to ±Inf (and 1 to NaN) are 1. */
const goPow: ScalarOp = (a, b) => (a === 1 || (a === -1 && Math.abs(b) === Infinity) ? 1 : a ** b);
const bool = (test: boolean): number => (test ? 1 : 0);

/** Arithmetic between scalars, as Prometheus' scalarBinop (JS `%` is Go's math.Mod). */
export const ARITHMETIC: Readonly<Record<string, ScalarOp>> = {
  Add: (a, b) => a + b,
  Sub: (a, b) => a - b,
  Mul: (a, b) => a * b,
  Div: (a, b) => a / b,
  Mod: (a, b) => a % b,
  Pow: goPow,
  Atan2: Math.atan2,
};

/** Comparisons between scalars; PromQL only allows them with `bool`, giving 1 or 0. */
export const COMPARISON: Readonly<Record<string, ScalarOp>> = {
  Eql: (a, b) => bool(a === b),
  Neq: (a, b) => bool(a !== b),
  Gtr: (a, b) => bool(a > b),
  Lss: (a, b) => bool(a < b),
  Gte: (a, b) => bool(a >= b),
  Lte: (a, b) => bool(a <= b),
};

export const SET_OPERATORS = new Set(['And', 'Or', 'Unless']);
