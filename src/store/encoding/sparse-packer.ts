import { type IntPacker, MAX_CODE_BITS } from './int-packer.js';
import { type RiceChoice, bestRice, readRice, writeRice } from './rice-code.js';
import { Scratch } from './scratch.js';
import { pageCorrupt } from './page-corrupt.js';
import { bitLength } from './int-math.js';

const gapScratch = new Scratch();
const valueScratch = new Scratch();
const gapChoice: RiceChoice = { k: 0, bits: 0 };
const valueChoice: RiceChoice = { k: 0, bits: 0 };

/**
 * Mostly-zero runs (timestamps with occasional jitter, gauges that rarely move): only the
 * non-zero codes are stored, as (gap since the previous one, code - 1), each Rice-coded with
 * its own k for the run. An all-zero run costs one bit, which makes a regular page O(1).
 *
 *   count:EG  [ kGap:6  kValue:6  { gap:Rice  code-1:Rice }*count ]
 */
export const sparsePacker: IntPacker = {
  id: 0,

  cost(codes, length) {
    const nonZero = collect(codes, length);
    if (nonZero === 0) return 1;
    return expGolombBits(nonZero) + 12 + gapChoice.bits + valueChoice.bits;
  },

  write(writer, codes, length) {
    const nonZero = collect(codes, length);
    writer.writeExpGolomb(nonZero);
    if (nonZero === 0) return;
    const gaps = gapScratch.get(nonZero);
    const values = valueScratch.get(nonZero);
    writer.writeBits(gapChoice.k, 6);
    writer.writeBits(valueChoice.k, 6);
    for (let j = 0; j < nonZero; j++) {
      writeRice(writer, gaps[j]!, gapChoice.k);
      writeRice(writer, values[j]!, valueChoice.k);
    }
  },

  read(reader, out, length) {
    out.fill(0, 0, length);
    const nonZero = reader.readExpGolomb();
    if (nonZero > length) throw pageCorrupt(`sparse run claims ${nonZero} non-zero codes in ${length}`);
    if (nonZero === 0) return;
    const gapK = reader.readBits(6);
    const valueK = reader.readBits(6);
    if (gapK > MAX_CODE_BITS || valueK > MAX_CODE_BITS) throw pageCorrupt('sparse run Rice parameter');
    let index = -1;
    for (let j = 0; j < nonZero; j++) {
      index += readRice(reader, gapK) + 1;
      if (index >= length) throw pageCorrupt('sparse run index past its end');
      out[index] = readRice(reader, valueK) + 1;
    }
  },
};

/** Splits the non-zero codes into gap and value scratch arrays and picks both k's. */
function collect(codes: Float64Array, length: number): number {
  const gaps = gapScratch.get(length);
  const values = valueScratch.get(length);
  let nonZero = 0;
  let previous = -1;
  for (let i = 0; i < length; i++) {
    const code = codes[i]!;
    if (code === 0) continue;
    gaps[nonZero] = i - previous - 1;
    values[nonZero++] = code - 1;
    previous = i;
  }
  if (nonZero > 0) {
    bestRice(gaps, 0, nonZero, false, gapChoice);
    bestRice(values, 0, nonZero, false, valueChoice);
  }
  return nonZero;
}

function expGolombBits(value: number): number {
  return 2 * bitLength(value + 1) - 1;
}
