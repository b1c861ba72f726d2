import type { ValueCodec } from './value-codec.js';
import { HI, LO, allBitIdentical, wordsOf } from './float-bits.js';
import { MAX_DECIMAL_EXPONENT, POW10, smallestExponent, scaledInteger } from './decimal-scale.js';
import { unzigzag, zigzag } from './int-math.js';
import { MAX_CODE_BITS } from './int-packer.js';
import { pageCorrupt } from './page-corrupt.js';

const FORM_DECIMAL = 0;
const FORM_RAW = 1;

/**
 * Every value bit-identical (up flags, limits, build info): one value for the whole page.
 * A value with a short decimal form (1, 0.5, 4096) is stored as k and the scaled integer,
 * which keeps this codec no larger than the decimal codec on any constant page.
 */
export const constantCodec: ValueCodec = {
  id: 1,
  name: 'constant',

  encode(writer, values, count) {
    if (!allBitIdentical(values, count)) return false;
    const value = values[0]!;
    const k = smallestExponent(value, 0);
    if (k >= 0) {
      writer.writeBit(FORM_DECIMAL);
      writer.writeBits(k, 4);
      writer.writeLengthPrefixed(zigzag(scaledInteger(value, k)));
    } else {
      const words = wordsOf(values, 1);
      writer.writeBit(FORM_RAW);
      writer.writeWord64(words[HI]!, words[LO]!, 64);
    }
    return true;
  },

  decode(reader, out, count) {
    const form = reader.readBit();
    if (form === FORM_DECIMAL) {
      const k = reader.readBits(4);
      if (k > MAX_DECIMAL_EXPONENT) throw pageCorrupt(`decimal exponent ${k}`);
      out.fill(unzigzag(reader.readLengthPrefixed(MAX_CODE_BITS)) / POW10[k]!, 0, count);
      return;
    }
    const words = wordsOf(out, count);
    const hi = reader.readBits(32);
    const lo = reader.readBits(32);
    for (let i = 0; i < count; i++) {
      words[2 * i + HI] = hi;
      words[2 * i + LO] = lo;
    }
  },
};
