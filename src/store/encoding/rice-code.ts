import type { BitReader } from './bit-reader.js';
import type { BitWriter } from './bit-writer.js';
import { MAX_CODE_BITS } from './int-packer.js';
import { TWO_POW_32, bitLength } from './int-math.js';

/**
 * Rice (Golomb power-of-two) codes: code = q·2^k + low is written as q zero bits, a one bit,
 * then low in k bits. A quotient of RICE_ESCAPE or more is written as RICE_ESCAPE zeros and
 * the code length-prefixed, which bounds the unary run a decoder will follow.
 */
export const RICE_ESCAPE = 16;

export function riceBits(code: number, k: number): number {
  const q = code < TWO_POW_32 && k < 32 ? code >>> k : Math.floor(code / 2 ** k);
  return q < RICE_ESCAPE ? q + 1 + k : RICE_ESCAPE + 6 + bitLength(code);
}

export function writeRice(writer: BitWriter, code: number, k: number): void {
  if (code < 0x8000_0000 && k < 31) {
    const q = code >>> k;
    if (q < RICE_ESCAPE) {
      // Unary, terminator and low bits in one call when they fit the writer's 24-bit fast path.
      if (q + 1 + k <= 24) writer.writeBits((1 << k) | (code & ((1 << k) - 1)), q + 1 + k);
      else {
        writer.writeUnary(q);
        writer.writeBits(code & ((1 << k) - 1), k);
      }
      return;
    }
  } else {
    const q = Math.floor(code / 2 ** k);
    if (q < RICE_ESCAPE) {
      writer.writeUnary(q);
      writer.writeUint(code - q * 2 ** k, k);
      return;
    }
  }
  writer.writeBits(0, RICE_ESCAPE);
  writer.writeLengthPrefixed(code);
}

export function readRice(reader: BitReader, k: number): number {
  const code = reader.readRice(k, RICE_ESCAPE);
  return code >= 0 ? code : reader.readLengthPrefixed(MAX_CODE_BITS);
}

/** Result of bestRice: the parameter and the bits codes[start, end) cost with it. */
export interface RiceChoice {
  k: number;
  bits: number;
}

/**
 * The cheapest k for codes[start, end), or with `nonZeroOnly` for code - 1 of its non-zero
 * codes (zeros then cost nothing here: the caller flags them). k = floor(log2(mean)) is
 * near-optimal for geometric data; it and its neighbours are costed exactly in one pass.
 */
export function bestRice(codes: Float64Array, start: number, end: number, nonZeroOnly: boolean, out: RiceChoice): RiceChoice {
  const bias = nonZeroOnly ? 1 : 0;
  let sum = 0;
  let counted = 0;
  for (let i = start; i < end; i++) {
    const code = codes[i]!;
    if (nonZeroOnly && code === 0) continue;
    sum += code - bias;
    counted++;
  }
  const guess = Math.max(1, bitLength(Math.floor(sum / Math.max(1, counted))) - 1);
  const k0 = Math.min(guess - 1, MAX_CODE_BITS - 2);
  // Quotients under k0 + 1 and k0 + 2 are the k0 quotient shifted: one division per code.
  let quotients0 = 0;
  let quotients1 = 0;
  let quotients2 = 0;
  let escaped = 0;
  let escapedBits0 = 0;
  let escapedBits1 = 0;
  let escapedBits2 = 0;
  for (let i = start; i < end; i++) {
    const raw = codes[i]!;
    if (nonZeroOnly && raw === 0) continue;
    const code = raw - bias;
    const q = code < TWO_POW_32 && k0 < 32 ? code >>> k0 : Math.floor(code / 2 ** k0);
    if (q < RICE_ESCAPE) {
      quotients0 += q;
      quotients1 += q >>> 1;
      quotients2 += q >>> 2;
    } else {
      escaped++;
      escapedBits0 += riceBits(code, k0);
      escapedBits1 += riceBits(code, k0 + 1);
      escapedBits2 += riceBits(code, k0 + 2);
    }
  }
  const plain = counted - escaped;
  const bits0 = plain * (1 + k0) + quotients0 + escapedBits0;
  const bits1 = plain * (2 + k0) + quotients1 + escapedBits1;
  const bits2 = plain * (3 + k0) + quotients2 + escapedBits2;
  out.k = k0;
  out.bits = bits0;
  if (bits1 < out.bits) {
    out.k = k0 + 1;
    out.bits = bits1;
  }
  if (bits2 < out.bits) {
    out.k = k0 + 2;
    out.bits = bits2;
  }
  return out;
}
