import type { IntPacker } from './int-packer.js';
import { MAX_CODE_BITS } from './int-packer.js';
import { type RiceChoice, bestRice, readRice, writeRice } from './rice-code.js';
import { pageCorrupt } from './page-corrupt.js';

/** Codes per block; each block starts with a zero-flag bit and its 6-bit k. */
export const RICE_BLOCK = 64;

const plain: RiceChoice = { k: 0, bits: 0 };
/**
 * Each block's choice from the last `cost` call, so the `write` that follows on the same codes
 * (the integer-sequence codec costs, then writes with the cheapest packer) does not choose again.
 * Codes are never changed between the two calls.
 */
const plan = { codes: null as Float64Array | null, length: 0, ks: new Uint8Array(1024), flagged: new Uint8Array(1024) };
const flagged: RiceChoice = { k: 0, bits: 0 };

/**
 * Rice coding with a parameter per block. Noise residuals are roughly Laplacian, for which
 * Rice is within a fraction of a bit of their entropy, where fixed-width packing pays for the
 * block's largest code on every code. A block may be zero-flagged: each code is then '0' for
 * zero or '1' and Rice(code - 1), for gauges that hold still part of the time (40 % zeros
 * cost 11 bits each under a plain k = 10, 1 bit each flagged).
 */
export const ricePacker: IntPacker = {
  id: 1,

  cost(codes, length) {
    let bits = 0;
    let block = 0;
    const blocks = Math.ceil(length / RICE_BLOCK);
    if (blocks > plan.ks.length) {
      plan.ks = new Uint8Array(blocks);
      plan.flagged = new Uint8Array(blocks);
    }
    for (let start = 0; start < length; start += RICE_BLOCK) {
      const end = Math.min(length, start + RICE_BLOCK);
      const choice = choose(codes, start, end);
      bits += 7 + choice.bits;
      plan.ks[block] = choice.k;
      plan.flagged[block++] = choice === flagged ? 1 : 0;
    }
    plan.codes = codes;
    plan.length = length;
    return bits;
  },

  write(writer, codes, length) {
    // The blocks' choices from the `cost` call just before on the same codes, if there was one.
    const planned = plan.codes === codes && plan.length === length;
    plan.codes = null;
    let block = 0;
    for (let start = 0; start < length; start += RICE_BLOCK, block++) {
      const end = Math.min(length, start + RICE_BLOCK);
      let isFlagged: boolean;
      let k: number;
      if (planned) {
        isFlagged = plan.flagged[block] === 1;
        k = plan.ks[block]!;
      } else {
        const choice = choose(codes, start, end);
        isFlagged = choice === flagged;
        k = choice.k;
      }
      writer.writeBits(isFlagged ? 1 : 0, 1);
      writer.writeBits(k, 6);
      if (!isFlagged) {
        for (let i = start; i < end; i++) writeRice(writer, codes[i]!, k);
        continue;
      }
      for (let i = start; i < end; i++) {
        const code = codes[i]!;
        if (code === 0) writer.writeBits(0, 1);
        else {
          writer.writeBits(1, 1);
          writeRice(writer, code - 1, k);
        }
      }
    }
  },

  read(reader, out, length) {
    for (let start = 0; start < length; start += RICE_BLOCK) {
      const end = Math.min(length, start + RICE_BLOCK);
      const isFlagged = reader.readBits(1) === 1;
      const k = reader.readBits(6);
      if (k > MAX_CODE_BITS) throw pageCorrupt(`Rice parameter ${k}`);
      if (!isFlagged) {
        for (let i = start; i < end; i++) out[i] = readRice(reader, k);
        continue;
      }
      for (let i = start; i < end; i++) out[i] = reader.readBits(1) === 0 ? 0 : readRice(reader, k) + 1;
    }
  },
};

/** The cheaper of plain and zero-flagged coding for one block (a shared result object). */
function choose(codes: Float64Array, start: number, end: number): RiceChoice {
  bestRice(codes, start, end, false, plain);
  let zeros = 0;
  for (let i = start; i < end; i++) if (codes[i] === 0) zeros++;
  // Flagging only pays when zeros are common; skip the second costing otherwise.
  if (zeros * 8 < end - start) return plain;
  bestRice(codes, start, end, true, flagged);
  flagged.bits += end - start;
  return flagged.bits < plain.bits ? flagged : plain;
}
