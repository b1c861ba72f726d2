import type { BitReader } from './bit-reader.js';
import type { BitWriter } from './bit-writer.js';

/**
 * Packs a run of unsigned integer codes (zigzagged residuals, each <= 2^53 - 2) into bits. The integer-sequence codec
 * asks every packer for its exact cost in bits and writes with the cheapest.
 */
export interface IntPacker {
  /** Stored in the 2-bit packer field of an integer sequence. */
  readonly id: number;
  cost(codes: Float64Array, length: number): number;
  write(writer: BitWriter, codes: Float64Array, length: number): void;
  /** Fills out[0, length); throws PAGE_CORRUPT on bad input. */
  read(reader: BitReader, out: Float64Array, length: number): void;
}

/** Codes are below 2^53, so no field ever needs more than 53 bits. */
export const MAX_CODE_BITS = 53;
