import type { ValueCodec } from './value-codec.js';
import { HI, LO, wordsOf } from './float-bits.js';
import { MAX_DECIMAL_EXPONENT, POW10, scaledInteger, smallestExponent } from './decimal-scale.js';
import { decodeIntSequence, encodeIntSequence } from './int-sequence.js';
import { Scratch } from './scratch.js';
import { pageCorrupt } from './page-corrupt.js';

const integerScratch = new Scratch();
/** 1 where values[i] is stored raw; a Float64Array so the Scratch helper can serve it too. */
const exceptionScratch = new Scratch();

/**
 * Decimal-aware integers, after VictoriaMetrics: when v·10^k is an exact integer for a small
 * k, the page stores k and the integers as an integer sequence (delta, delta-of-delta or grid
 * residuals, bit-packed). Counters and gauges with a few decimals shrink to a handful of bits.
 * Values with no such form (NaN stale markers, ±Infinity, -0, an odd float) are exceptions
 * stored raw, so one stale marker does not push a whole page to Gorilla.
 *
 *   k:4  exceptions:EG  { gap:EG  bits:64 }*  integer-sequence
 */
export const decimalCodec: ValueCodec = {
  id: 3,
  name: 'decimal',

  encode(writer, values, count) {
    // The page's k is the largest needed by any value that has one at all. One pass: values
    // scaled before the last raise of k are redone at the end (k settles within a few values).
    const integers = integerScratch.get(count);
    const exceptional = exceptionScratch.get(count);
    let k = 0;
    let scaledBefore = 0;
    for (let i = 0; i < count; i++) {
      const value = values[i]!;
      let m = scaledInteger(value, k);
      if (Number.isNaN(m) && k < MAX_DECIMAL_EXPONENT) {
        const needed = smallestExponent(value, k + 1);
        if (needed > k) {
          k = needed;
          m = scaledInteger(value, k);
          scaledBefore = i;
        }
      }
      integers[i] = m;
    }
    for (let i = 0; i < scaledBefore; i++) integers[i] = scaledInteger(values[i]!, k);
    let exceptions = 0;
    let firstInteger = NaN;
    for (let i = 0; i < count; i++) {
      const isException = Number.isNaN(integers[i]!);
      exceptional[i] = isException ? 1 : 0;
      if (isException) exceptions++;
      else if (Number.isNaN(firstInteger)) firstInteger = integers[i]!;
    }
    if (exceptions === count) return false;
    // Exceptions repeat their neighbour's integer, which costs the sequence nothing.
    let previous = firstInteger;
    for (let i = 0; i < count; i++) {
      if (exceptional[i] === 1) integers[i] = previous;
      else previous = integers[i]!;
    }

    writer.writeBits(k, 4);
    writer.writeExpGolomb(exceptions);
    const words = wordsOf(values, count);
    let last = -1;
    for (let i = 0; i < count; i++) {
      if (exceptional[i] !== 1) continue;
      writer.writeExpGolomb(i - last - 1);
      writer.writeWord64(words[2 * i + HI]!, words[2 * i + LO]!, 64);
      last = i;
    }
    return encodeIntSequence(writer, integers, count);
  },

  decode(reader, out, count) {
    const k = reader.readBits(4);
    if (k > MAX_DECIMAL_EXPONENT) throw pageCorrupt(`decimal exponent ${k}`);
    const exceptions = reader.readExpGolomb();
    if (exceptions >= count) throw pageCorrupt(`${exceptions} exceptions in a ${count}-value decimal page`);
    // Exceptions precede the integers in the stream but are applied after them.
    const positions = new Uint32Array(exceptions);
    const raw = new Uint32Array(exceptions * 2);
    let index = -1;
    for (let e = 0; e < exceptions; e++) {
      index += reader.readExpGolomb() + 1;
      if (index >= count) throw pageCorrupt('decimal exception index past the page');
      positions[e] = index;
      raw[2 * e] = reader.readBits(32);
      raw[2 * e + 1] = reader.readBits(32);
    }
    decodeIntSequence(reader, out, count);
    const scale = POW10[k]!;
    for (let i = 0; i < count; i++) out[i] = out[i]! / scale;
    const words = wordsOf(out, count);
    for (let e = 0; e < exceptions; e++) {
      const at = positions[e]!;
      words[2 * at + HI] = raw[2 * e]!;
      words[2 * at + LO] = raw[2 * e + 1]!;
    }
  },
};
