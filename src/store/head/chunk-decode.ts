import { CairnError, ErrorCodes } from '../../errors/index.js';
import { countOnes, getBits, getRaw, signExtend } from './bits.js';
import { HEADER_BITS, mantissaAt, NO_SCALE, POW10, TIME_BITS, TIME_RAW_ONES, VALUE_BITS, VALUE_RAW_ONES, VALUE_RESCALE_ONES } from './chunk-format.js';

/**
 * Decodes the `count` samples of a head chunk (docs/format/head-chunk.md) starting at byte
 * `base` of `buf` into `timestamps`/`values` from index `at`. Throws PAGE_CORRUPT when the
 * codes run past `bitLength` (a checkpoint damaged on disk).
 */
export function decodeChunk(buf: Uint8Array, base: number, bitLength: number, count: number, timestamps: Float64Array, values: Float64Array, at = 0): void {
  if (count <= 0) return;
  if (bitLength < HEADER_BITS) throw corrupt(`chunk of ${bitLength} bits is shorter than its header`);
  const tWords = new Uint32Array(timestamps.buffer, timestamps.byteOffset, timestamps.length * 2);
  const vWords = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
  getRaw(buf, base, 0, tWords, at);
  getRaw(buf, base, 64, vWords, at);
  let scale = getBits(buf, base, 128, 3);
  let prevM = mantissaAt(values[at]!, scale);
  let lastT = timestamps[at]!;
  let prevDelta = 0;
  let pos = HEADER_BITS;
  for (let i = at + 1; i < at + count; i++) {
    if (pos >= bitLength) throw corrupt(`chunk ends after ${i - at} of ${count} samples`);
    const tOnes = countOnes(buf, base, pos, TIME_RAW_ONES);
    if (tOnes === TIME_RAW_ONES) {
      getRaw(buf, base, pos + 4, tWords, i);
      pos += 68;
    } else {
      pos += tOnes + 1;
      let dod = 0;
      if (tOnes > 0) {
        const w = TIME_BITS[tOnes]!;
        dod = signExtend(getBits(buf, base, pos, w), w);
        pos += w;
      }
      timestamps[i] = lastT + prevDelta + dod;
    }
    const t = timestamps[i]!;
    prevDelta = t - lastT;
    lastT = t;
    const vOnes = countOnes(buf, base, pos, VALUE_RESCALE_ONES);
    if (vOnes === 0) {
      vWords[2 * i] = vWords[2 * i - 2]!;
      vWords[2 * i + 1] = vWords[2 * i - 1]!;
      pos++;
    } else if (vOnes < VALUE_RAW_ONES) {
      const w = VALUE_BITS[vOnes]!;
      const raw = getBits(buf, base, pos + vOnes + 1, w);
      const d = w === 32 ? raw | 0 : signExtend(raw, w);
      prevM += d;
      values[i] = scale === 0 ? prevM : prevM / POW10[scale]!;
      pos += vOnes + 1 + w;
    } else if (vOnes === VALUE_RAW_ONES) {
      getRaw(buf, base, pos + 6, vWords, i);
      pos += 70;
      const m = mantissaAt(values[i]!, scale);
      if (m === m) prevM = m;
    } else {
      scale = getBits(buf, base, pos + 6, 3);
      if (scale >= NO_SCALE) throw corrupt(`chunk rescales to ${scale} digits`);
      getRaw(buf, base, pos + 9, vWords, i);
      pos += 73;
      prevM = mantissaAt(values[i]!, scale);
    }
  }
  if (pos > bitLength) throw corrupt(`chunk codes run to bit ${pos} of ${bitLength}`);
}

function corrupt(message: string): CairnError {
  return new CairnError(ErrorCodes.PAGE_CORRUPT, message);
}
