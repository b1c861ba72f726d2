import { badData } from '../errors.js';
import type { AtModifier, DurationExpr } from '../promql/ast.js';
import type { QueryFrame } from './context.js';

/** Go's math.Pow agrees with `**` except that 1 and −1 raised to ±Inf (and 1 to NaN) are 1. */
export const goPow = (a: number, b: number): number => (a === 1 || (a === -1 && Math.abs(b) === Infinity) ? 1 : a ** b);

/** A duration expression in seconds, with `step()` and `range()` taken from the query. */
function seconds(d: DurationExpr, frame: QueryFrame): number {
  switch (d.kind) {
    case 'seconds':
      return d.value;
    case 'step':
      return frame.stepMs / 1000;
    case 'range':
      return (frame.endMs - frame.startMs) / 1000;
    case 'unary':
      return d.op === '-' ? -seconds(d.operand, frame) : seconds(d.operand, frame);
    case 'binary': {
      const a = seconds(d.lhs, frame);
      const b = seconds(d.rhs, frame);
      switch (d.op) {
        case '+':
          return a + b;
        case '-':
          return a - b;
        case '*':
          return a * b;
        case '/':
          if (b === 0) throw badData('division by zero in duration expression');
          return a / b;
        case '%':
          if (b === 0) throw badData('modulo by zero in duration expression');
          return a % b;
        case '^':
          return goPow(a, b);
        case 'min_of':
          return Math.min(a, b);
        case 'max_of':
          return Math.max(a, b);
      }
    }
  }
}

/** Milliseconds, truncated as Go converts float seconds to a time.Duration and back. */
export function durationMs(d: DurationExpr, frame: QueryFrame): number {
  const s = seconds(d, frame);
  if (!Number.isFinite(s) || Math.abs(s) > 9.2e9 * 1000) throw badData(`duration out of range: ${s}s`);
  return Math.trunc(Math.round(s * 1e9) / 1e6);
}

/** A range or subquery step: must be positive. */
export function rangeMs(d: DurationExpr, frame: QueryFrame, what: string): number {
  const ms = durationMs(d, frame);
  if (ms <= 0) throw badData(`${what} must be greater than 0, got ${ms / 1000}s`);
  return ms;
}

export function offsetMs(d: DurationExpr | null, frame: QueryFrame): number {
  return d === null ? 0 : durationMs(d, frame);
}

/** The fixed time an `@` modifier pins evaluation to, or null. */
export function atMs(at: AtModifier | null, frame: QueryFrame): number | null {
  if (at === null) return null;
  switch (at.kind) {
    case 'time':
      return at.ms;
    case 'start':
      return frame.startMs;
    case 'end':
      return frame.endMs;
  }
}
