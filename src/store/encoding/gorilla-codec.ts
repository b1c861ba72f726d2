import type { BitWriter } from './bit-writer.js';
import type { ValueCodec } from './value-codec.js';
import { HI, LO, wordsOf } from './float-bits.js';
import { pageCorrupt } from './page-corrupt.js';

/**
 * Gorilla XOR compression (Pelkonen et al., VLDB 2015, section 4.1.2), as Prometheus stores
 * it: each value is XORed with the previous one and only the meaningful bits are kept. The
 * fallback for values with no short decimal form (rates, ratios, arbitrary doubles).
 *
 *   '0'                              same bits as the previous value
 *   '10' bits                        meaningful bits fit the previous window
 *   '11' lz:5 len:6 bits             new window: lz leading zeros (at most 31), len
 *                                    meaningful bits (64 written as 0)
 */
export const gorillaCodec: ValueCodec = {
  id: 2,
  name: 'gorilla',

  encode(writer, values, count, limitBits) {
    const words = wordsOf(values, count);
    let prevHi = words[HI]!;
    let prevLo = words[LO]!;
    writer.writeWord64(prevHi, prevLo, 64);
    let windowLeading = -1;
    let windowTrailing = 0;
    for (let i = 1; i < count; i++) {
      if ((i & 31) === 0 && writer.bitLength > limitBits) return false;
      const hi = words[2 * i + HI]!;
      const lo = words[2 * i + LO]!;
      const xorHi = (hi ^ prevHi) >>> 0;
      const xorLo = (lo ^ prevLo) >>> 0;
      prevHi = hi;
      prevLo = lo;
      if (xorHi === 0 && xorLo === 0) {
        writer.writeBits(0, 1);
        continue;
      }
      const leading = Math.min(31, xorHi !== 0 ? Math.clz32(xorHi) : 32 + Math.clz32(xorLo));
      const trailing = xorLo !== 0 ? countTrailingZeros(xorLo) : 32 + countTrailingZeros(xorHi);
      if (windowLeading >= 0 && leading >= windowLeading && trailing >= windowTrailing) {
        writer.writeBits(0b10, 2);
        writeWindow(writer, xorHi, xorLo, windowTrailing, 64 - windowLeading - windowTrailing);
      } else {
        const length = 64 - leading - trailing;
        writer.writeBits(0b11, 2);
        writer.writeBits(leading, 5);
        writer.writeBits(length & 63, 6);
        writeWindow(writer, xorHi, xorLo, trailing, length);
        windowLeading = leading;
        windowTrailing = trailing;
      }
    }
    return true;
  },

  decode(reader, out, count) {
    const words = wordsOf(out, count);
    let hi = reader.readBits(32);
    let lo = reader.readBits(32);
    words[HI] = hi;
    words[LO] = lo;
    let windowTrailing = -1;
    let windowLength = 0;
    for (let i = 1; i < count; i++) {
      if (reader.readBits(1) === 1) {
        if (reader.readBits(1) === 1) {
          const leading = reader.readBits(5);
          windowLength = reader.readBits(6) || 64;
          if (leading + windowLength > 64) throw pageCorrupt('Gorilla window past 64 bits');
          windowTrailing = 64 - leading - windowLength;
        } else if (windowTrailing < 0) {
          throw pageCorrupt('Gorilla value reuses a window before one was set');
        }
        // Read the meaningful bits and shift them back into place.
        let xorHi = windowLength > 32 ? reader.readBits(windowLength - 32) : 0;
        let xorLo = reader.readBits(Math.min(32, windowLength));
        const shift = windowTrailing;
        if (shift >= 32) {
          xorHi = xorLo << (shift - 32);
          xorLo = 0;
        } else if (shift > 0) {
          xorHi = (xorHi << shift) | (xorLo >>> (32 - shift));
          xorLo = xorLo << shift;
        }
        hi = (hi ^ xorHi) >>> 0;
        lo = (lo ^ xorLo) >>> 0;
      }
      words[2 * i + HI] = hi;
      words[2 * i + LO] = lo;
    }
  },
};

/** Writes `length` bits of the 64-bit word hi:lo starting at bit `shift` from the bottom. */
function writeWindow(writer: BitWriter, hi: number, lo: number, shift: number, length: number): void {
  if (shift >= 32) {
    writer.writeBits(hi >>> (shift - 32), length);
  } else if (shift > 0) {
    writer.writeWord64(hi >>> shift, ((lo >>> shift) | (hi << (32 - shift))) >>> 0, length);
  } else {
    writer.writeWord64(hi, lo, length);
  }
}

function countTrailingZeros(word: number): number {
  return 31 - Math.clz32(word & -word);
}
