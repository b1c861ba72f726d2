/**
 * Integer helpers on JS numbers. Every integer the codecs carry is a safe integer, so plain
 * doubles do exact arithmetic and no BigInt is needed on the hot path.
 */

export const TWO_POW_32 = 0x1_0000_0000;

/** |value| bound for integer-sequence members, so that zigzag(value) is a safe integer. */
export const MAX_SEQUENCE_VALUE = 2 ** 52 - 1;

/**
 * Residual magnitudes are capped here so that zigzag(r) <= 2^53 - 2 (a +1 in Exp-Golomb stays
 * exact) and the decoder's sums of two capped terms stay safe integers.
 */
export const MAX_RESIDUAL = 2 ** 52 - 1;

/** Signed to unsigned, small magnitudes to small codes: 0, -1, 1, -2 → 0, 1, 2, 3. */
export function zigzag(value: number): number {
  if (value < 0x4000_0000 && value > -0x4000_0000) return ((value << 1) ^ (value >> 31)) >>> 0;
  return value >= 0 ? value * 2 : -value * 2 - 1;
}

export function unzigzag(code: number): number {
  if (code < 0x8000_0000) return (code >>> 1) ^ -(code & 1);
  // Arithmetic rather than shifts: codes go up to 2^52, past the 32-bit shift operators.
  return code % 2 === 0 ? code / 2 : -(code + 1) / 2;
}

/** Number of significant bits of a non-negative safe integer (0 for 0). */
export function bitLength(value: number): number {
  if (value < TWO_POW_32) return 32 - Math.clz32(value);
  return 64 - Math.clz32(Math.floor(value / TWO_POW_32));
}

/** Greatest common divisor of two non-negative safe integers (gcd(0, x) = x). */
export function gcd(a: number, b: number): number {
  while (b !== 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}
