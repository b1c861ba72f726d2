import { MAX_SEQUENCE_VALUE } from './int-math.js';
import { isNegativeZero } from './float-bits.js';

/** Largest k for which values are stored as integers scaled by 10^k. */
export const MAX_DECIMAL_EXPONENT = 12;

/** Exact powers of ten as literals: the decoder must divide by the very same doubles. */
export const POW10: readonly number[] = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12];

/**
 * The integer m with m / 10^k === v bit for bit, or NaN when there is none within the
 * integer-sequence range. Soundness comes from checking the decoder's own division, not from
 * reasoning about decimal strings; -0, NaN and ±Infinity never qualify.
 */
export function scaledInteger(value: number, k: number): number {
  const scale = POW10[k]!;
  const m = Math.round(value * scale) + 0; // + 0 turns a -0 from Math.round into +0
  if (!(Math.abs(m) <= MAX_SEQUENCE_VALUE) || m / scale !== value || isNegativeZero(value)) return NaN;
  return m;
}

/** The smallest k >= from with an exact scaled integer, or -1. */
export function smallestExponent(value: number, from: number): number {
  for (let k = from; k <= MAX_DECIMAL_EXPONENT; k++) if (!Number.isNaN(scaledInteger(value, k))) return k;
  return -1;
}
