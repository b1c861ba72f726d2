import type { BinaryOp } from '../promql/ast.js';
import { goPow } from './durations.js';

/** JS `%` is Go's math.Mod (sign of the dividend, NaN for a zero divisor). */
export const ARITHMETIC: Readonly<Partial<Record<BinaryOp, (a: number, b: number) => number>>> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
  '%': (a, b) => a % b,
  '^': goPow,
  atan2: Math.atan2,
};

export const COMPARE: Readonly<Partial<Record<BinaryOp, (a: number, b: number) => boolean>>> = {
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
  '>': (a, b) => a > b,
  '<': (a, b) => a < b,
  '>=': (a, b) => a >= b,
  '<=': (a, b) => a <= b,
};

/**
 * One element of a binary operation (Prometheus' vectorElemBinop): the value, and whether the
 * element stays (comparisons without `bool` filter, keeping the left value).
 */
export function elementOp(op: BinaryOp, a: number, b: number): { value: number; keep: boolean } {
  const arithmetic = ARITHMETIC[op];
  if (arithmetic !== undefined) return { value: arithmetic(a, b), keep: true };
  return { value: a, keep: COMPARE[op]!(a, b) };
}

/** Operators whose result is no longer the thing the metric name names. */
export function dropsName(op: BinaryOp): boolean {
  return ARITHMETIC[op] !== undefined;
}
