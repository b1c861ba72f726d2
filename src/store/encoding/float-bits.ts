/**
 * Raw IEEE-754 words of float64 arrays. Values are compared and stored as their two 32-bit
 * halves, never as numbers, so NaN payloads (Prometheus' stale marker 0x7ff0000000000002)
 * and -0 survive bit-exactly.
 */

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** Index of the high (sign, exponent) word of element i in a words view: 2i + HI. */
export const HI = LITTLE_ENDIAN ? 1 : 0;
export const LO = LITTLE_ENDIAN ? 0 : 1;

/** A Uint32Array over the same memory as values[0, count). */
export function wordsOf(values: Float64Array, count: number): Uint32Array {
  return new Uint32Array(values.buffer, values.byteOffset, count * 2);
}

/** True when every value in values[0, count) has the same bits as values[0]. */
export function allBitIdentical(values: Float64Array, count: number): boolean {
  const words = wordsOf(values, count);
  const first0 = words[0]!;
  const first1 = words[1]!;
  for (let i = 2; i < count * 2; i += 2) {
    if (words[i] !== first0 || words[i + 1] !== first1) return false;
  }
  return true;
}

/** -0 compares equal to 0; codecs that store numbers rather than bits must tell them apart. */
export function isNegativeZero(value: number): boolean {
  return value === 0 && 1 / value < 0;
}
