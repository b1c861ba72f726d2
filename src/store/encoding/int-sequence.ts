import type { BitReader } from './bit-reader.js';
import type { BitWriter } from './bit-writer.js';
import type { IntPacker } from './int-packer.js';
import { MAX_CODE_BITS } from './int-packer.js';
import { blockPacker } from './block-packer.js';
import { ricePacker } from './rice-packer.js';
import { sparsePacker } from './sparse-packer.js';
import { MAX_RESIDUAL, MAX_SEQUENCE_VALUE, TWO_POW_32, bitLength, gcd, unzigzag, zigzag } from './int-math.js';
import { Scratch } from './scratch.js';
import { pageCorrupt } from './page-corrupt.js';

/**
 * Integer sequences (timestamps, scaled decimals): a predictor turns values into small
 * residuals, which are divided by their common divisor, mapped to unsigned codes and packed
 * by whichever packer costs fewest bits. See docs/format/page.md, "Integer sequence".
 */

const MODE_GRID = 0; // x_i = x_0 + i·c + r_i: on-grid samples with jitter that does not accumulate
const MODE_DELTA = 1; // x_i = x_{i-1} + c + r_i: steady steps, counters, drifting clocks
const MODE_DOD = 2; // second differences: steady rates that change slowly
const MODES = [MODE_GRID, MODE_DELTA, MODE_DOD] as const;

const SIGN_ZIGZAG = 0;
const SIGN_NON_NEGATIVE = 1; // code = residual
const SIGN_NON_POSITIVE = 2; // code = -residual

const PACKERS: readonly IntPacker[] = [sparsePacker, ricePacker, blockPacker];

const deltasScratch = new Scratch();
const residualScratch = [new Scratch(), new Scratch(), new Scratch()] as const;
const codeScratch = new Scratch();
const readScratch = new Scratch();
const sample = new Float64Array(31);

/** A predictor's residuals, before the common divisor is taken out. */
interface Prediction {
  mode: number;
  centre: number;
  residuals: Float64Array;
  codeCount: number;
  /** Header bits plus the residuals' zigzag bit lengths: a cheap stand-in for the packed size. */
  estimate: number;
}

/**
 * Writes xs[0, n) (safe integers, |x| <= MAX_SEQUENCE_VALUE). Returns false when no predictor
 * keeps its residuals within bounds (the caller then picks another codec).
 */
export function encodeIntSequence(writer: BitWriter, xs: Float64Array, n: number): boolean {
  for (let i = 0; i < n; i++) if (!(Math.abs(xs[i]!) <= MAX_SEQUENCE_VALUE)) return false;
  const x0 = xs[0]!;
  if (n === 1) {
    writer.writeLengthPrefixed(zigzag(x0));
    return true;
  }
  const deltas = deltasScratch.get(n);
  let steady = true;
  for (let i = 1; i < n; i++) {
    const d = xs[i]! - xs[i - 1]!;
    deltas[i - 1] = d;
    steady &&= d === deltas[0];
  }
  const deltaCentre = steady ? deltas[0]! : sampledMedian(deltas, 0, n - 1);

  // Predictors are compared by estimate and only the best one is packed and costed exactly:
  // costing all nine predictor × packer pairs saved ~0.2 % of page bytes on the store
  // benchmark, for three times the packing work. Steady steps (bucket ends, constant counts)
  // leave no residual under the grid, or else the delta predictor: the search would pick the
  // same one, so it is skipped.
  let best: Prediction | undefined;
  if (steady) best = predict(MODE_GRID, xs, deltas, n, deltaCentre) ?? predict(MODE_DELTA, xs, deltas, n, deltaCentre);
  if (best === undefined) for (const mode of MODES) {
    const prediction = predict(mode, xs, deltas, n, deltaCentre);
    if (prediction !== undefined && (best === undefined || prediction.estimate < best.estimate)) best = prediction;
  }
  if (best === undefined) return false;
  const { codeCount, residuals } = best;
  const divisor = commonDivisor(residuals, codeCount);
  // One-signed residuals (lateness is never negative) skip the zigzag's wasted bit.
  let negative = false;
  let positive = false;
  for (let i = 0; i < codeCount; i++) {
    negative ||= residuals[i]! < 0;
    positive ||= residuals[i]! > 0;
  }
  const sign = !negative ? SIGN_NON_NEGATIVE : !positive ? SIGN_NON_POSITIVE : SIGN_ZIGZAG;
  const codes = codeScratch.get(n);
  let nonZero = 0;
  for (let i = 0; i < codeCount; i++) {
    const r = divisor === 1 ? residuals[i]! : residuals[i]! / divisor;
    const code = sign === SIGN_ZIGZAG ? zigzag(r) : sign === SIGN_NON_NEGATIVE ? r : 0 - r;
    codes[i] = code;
    if (code !== 0) nonZero++;
  }

  let bestPacker = ricePacker;
  let bestBits = ricePacker.cost(codes, codeCount);
  for (const packer of PACKERS) {
    // A sparse run pays at least two bits per non-zero code; Rice pays one per code.
    if (packer === ricePacker || (packer === sparsePacker && nonZero * 2 > codeCount)) continue;
    const bits = packer.cost(codes, codeCount);
    if (bits < bestBits) {
      bestBits = bits;
      bestPacker = packer;
    }
  }

  writer.writeLengthPrefixed(zigzag(x0));
  writer.writeBits(best.mode, 2);
  if (best.mode === MODE_DOD) writer.writeLengthPrefixed(zigzag(deltas[0]!));
  writer.writeLengthPrefixed(zigzag(best.centre));
  writer.writeLengthPrefixed(divisor - 1);
  writer.writeBits(sign, 2);
  writer.writeBits(bestPacker.id, 2);
  bestPacker.write(writer, codes, codeCount);
  return true;
}

/** Reads n values into out[0, n); throws PAGE_CORRUPT on bad input. */
export function decodeIntSequence(reader: BitReader, out: Float64Array, n: number): void {
  const x0 = unzigzag(reader.readLengthPrefixed(MAX_CODE_BITS));
  out[0] = x0;
  if (n === 1) return;
  const mode = reader.readBits(2);
  if (mode > MODE_DOD) throw pageCorrupt(`integer sequence mode ${mode}`);
  const firstDelta = mode === MODE_DOD ? unzigzag(reader.readLengthPrefixed(MAX_CODE_BITS)) : 0;
  const centre = unzigzag(reader.readLengthPrefixed(MAX_CODE_BITS));
  const divisor = reader.readLengthPrefixed(MAX_CODE_BITS) + 1;
  const sign = reader.readBits(2);
  if (sign > SIGN_NON_POSITIVE) throw pageCorrupt(`integer sequence sign mode ${sign}`);
  const packer = PACKERS[reader.readBits(2)];
  if (packer === undefined) throw pageCorrupt('integer sequence packer 3');
  const codeCount = mode === MODE_DOD ? n - 2 : n - 1;
  const scaled = readScratch.get(codeCount);
  packer.read(reader, scaled, codeCount);
  for (let i = 0; i < codeCount; i++) {
    const code = scaled[i]!;
    scaled[i] = (sign === SIGN_ZIGZAG ? unzigzag(code) : sign === SIGN_NON_NEGATIVE ? code : 0 - code) * divisor;
  }

  // Operation order matters: each parenthesised sum is an exact safe integer by construction.
  let bad = false;
  if (mode === MODE_GRID) {
    for (let i = 1; i < n; i++) {
      const x = x0 + (i * centre + scaled[i - 1]!);
      bad ||= !(Math.abs(x) <= MAX_SEQUENCE_VALUE);
      out[i] = x;
    }
  } else if (mode === MODE_DELTA) {
    let x = x0;
    for (let i = 1; i < n; i++) {
      x += centre + scaled[i - 1]!;
      bad ||= !(Math.abs(x) <= MAX_SEQUENCE_VALUE);
      out[i] = x;
    }
  } else {
    let delta = firstDelta;
    let x = x0 + delta;
    out[1] = x;
    bad = !(Math.abs(x) <= MAX_SEQUENCE_VALUE);
    for (let i = 2; i < n; i++) {
      delta += centre + scaled[i - 2]!;
      x += delta;
      bad ||= !(Math.abs(x) <= MAX_SEQUENCE_VALUE);
      out[i] = x;
    }
  }
  if (bad) throw pageCorrupt('integer sequence value out of range');
}

/** Residuals of one predictor, or undefined when one would leave the exact range. */
function predict(mode: number, xs: Float64Array, deltas: Float64Array, n: number, deltaCentre: number): Prediction | undefined {
  const residuals = residualScratch[mode as 0 | 1 | 2].get(n);
  let codeCount = n - 1;
  let centre = deltaCentre;
  let estimate = 0;
  if (mode === MODE_GRID) {
    if (Math.abs((n - 1) * centre) > MAX_RESIDUAL) return undefined;
    for (let i = 1; i < n; i++) residuals[i - 1] = xs[i]! - xs[0]! - i * centre;
  } else if (mode === MODE_DELTA) {
    for (let i = 0; i < codeCount; i++) residuals[i] = deltas[i]! - centre;
  } else {
    // The first delta is stored whole in the header.
    if (Math.abs(deltas[0]!) > MAX_RESIDUAL) return undefined;
    estimate += lengthPrefixedBits(zigzag(deltas[0]!));
    codeCount = n - 2;
    for (let i = 0; i < codeCount; i++) {
      const second = deltas[i + 1]! - deltas[i]!;
      if (Math.abs(second) > MAX_RESIDUAL) return undefined;
      residuals[i] = second;
    }
    centre = sampledMedian(residuals, 0, codeCount);
    for (let i = 0; i < codeCount; i++) residuals[i]! -= centre;
  }
  if (Math.abs(centre) > MAX_RESIDUAL) return undefined;
  estimate += lengthPrefixedBits(zigzag(centre));
  for (let i = 0; i < codeCount; i++) {
    const r = residuals[i]!;
    // Inlined zigzag + bit length: this loop runs three times per sequence.
    const code = r < 0 ? -2 * r - 1 : 2 * r;
    if (code < TWO_POW_32) estimate += 32 - Math.clz32(code);
    else if (code > 2 * MAX_RESIDUAL) return undefined;
    else estimate += bitLength(code);
  }
  return { mode, centre, residuals, codeCount, estimate };
}

/** GCD of the residuals' magnitudes (1 when all are zero): memory sizes step in 4096s. */
function commonDivisor(residuals: Float64Array, count: number): number {
  let divisor = 0;
  for (let i = 0; i < count && divisor !== 1; i++) {
    const r = residuals[i]!;
    // Most residuals are multiples of the divisor so far: one % instead of a Euclid loop.
    if (r !== 0 && (divisor === 0 || r % divisor !== 0)) divisor = gcd(Math.abs(r), divisor);
  }
  return divisor === 0 ? 1 : divisor;
}

/** Median of up to 31 evenly spaced members: a centre only has to be good, not exact. */
function sampledMedian(values: Float64Array, start: number, end: number): number {
  const length = end - start;
  if (length <= 0) return 0;
  const count = Math.min(sample.length, length);
  // Insertion sort: for 31 numbers it beats TypedArray#sort's call into C++.
  for (let j = 0; j < count; j++) {
    const v = values[start + Math.floor((j * length) / count)]!;
    let at = j;
    while (at > 0 && sample[at - 1]! > v) {
      sample[at] = sample[at - 1]!;
      at--;
    }
    sample[at] = v;
  }
  return sample[count >> 1]!;
}

function lengthPrefixedBits(value: number): number {
  return 6 + bitLength(value);
}
