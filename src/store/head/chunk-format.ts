/**
 * Head chunk layout (docs/format/head-chunk.md): a 131-bit header (first time and value as raw
 * float64 bits, 3-bit decimal scale), then per sample a time code and a value code.
 */
export const HEADER_BITS = 64 + 64 + 3;
/** Decimal digits 0-6 are a scale; this value means values are not decimal (raw until a rescale). */
export const NO_SCALE = 7;
export const POW10 = [1, 10, 100, 1000, 10000, 100000, 1000000];
export const MAX_MANTISSA = 2 ** 53;

/** Time codes by delta-of-delta: prefix of ones (then a 0, except the last), payload bits. */
export const TIME_BITS = [0, 8, 14, 24] as const;
/** After four ones: the raw float64 time. */
export const TIME_RAW_ONES = 4;

/** Value codes by mantissa delta: after 0..4 ones and a zero, this many payload bits. */
export const VALUE_BITS = [0, 8, 13, 20, 32] as const;
/** '111110': raw float64 value; '111111': new scale (3 bits) then the raw value. */
export const VALUE_RAW_ONES = 5;
export const VALUE_RESCALE_ONES = 6;

/** Most bits one sample can take: time raw (4 + 64) and value rescale (6 + 3 + 64). */
export const MAX_SAMPLE_BITS = 4 + 64 + 6 + 3 + 64;

/** The mantissa of `v` at `digits` decimal digits, or NaN when `v` is not exactly that (or is -0, NaN, infinite). */
export function mantissaAt(v: number, digits: number): number {
  if (digits >= NO_SCALE || v !== v || (v === 0 && 1 / v < 0)) return NaN;
  const p = POW10[digits]!;
  const m = Math.round(v * p);
  return m <= MAX_MANTISSA && m >= -MAX_MANTISSA && m / p === v ? m : NaN;
}

/** The fewest digits (0-6) at which `v` is exactly decimal, or NO_SCALE. */
export function scaleOf(v: number): number {
  for (let d = 0; d < NO_SCALE; d++) {
    const m = mantissaAt(v, d);
    if (m === m) return d;
  }
  return NO_SCALE;
}
