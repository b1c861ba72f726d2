import { TWO_POW_32, bitLength } from './int-math.js';

/**
 * Appends bit fields MSB-first into a growable byte buffer. One writer is meant to be kept
 * and `reset()` between pages, so steady-state encoding allocates only the final copy.
 */
export class BitWriter {
  #bytes: Uint8Array;
  #length = 0; // whole bytes written
  #acc = 0; // pending bits, right-aligned; fewer than 8 between calls
  #accBits = 0;

  constructor(initialBytes = 4096) {
    this.#bytes = new Uint8Array(Math.max(16, initialBytes));
  }

  reset(): void {
    this.#length = 0;
    this.#acc = 0;
    this.#accBits = 0;
  }

  /** Bits written so far. */
  get bitLength(): number {
    return this.#length * 8 + this.#accBits;
  }

  /** Writes the low `count` bits of `value` (0 <= count <= 32, value an unsigned integer). */
  writeBits(value: number, count: number): void {
    if (count > 24) {
      // Keep the accumulator under 31 bits so the shifts below stay in int32 range.
      this.writeBits(value >>> 16, count - 16);
      this.writeBits(value & 0xffff, 16);
      return;
    }
    if (count === 0) return;
    let acc = (this.#acc << count) | (value & ((1 << count) - 1));
    let bits = this.#accBits + count;
    if (bits >= 8) {
      if (this.#length + 4 > this.#bytes.length) this.#grow(4);
      const bytes = this.#bytes;
      while (bits >= 8) {
        bits -= 8;
        bytes[this.#length++] = acc >>> bits;
      }
      acc &= (1 << bits) - 1;
    }
    this.#acc = acc;
    this.#accBits = bits;
  }

  writeBit(bit: number): void {
    this.writeBits(bit, 1);
  }

  /** Writes the low `count` bits (count <= 53) of a non-negative safe integer. */
  writeUint(value: number, count: number): void {
    if (count <= 32) {
      this.writeBits(value >>> 0, count);
      return;
    }
    this.writeBits(Math.floor(value / TWO_POW_32), count - 32);
    this.writeBits(value >>> 0, 32);
  }

  /** Writes the low `count` bits (count <= 64) of the 64-bit word hi:lo. */
  writeWord64(hi: number, lo: number, count: number): void {
    if (count <= 32) {
      this.writeBits(lo >>> 0, count);
      return;
    }
    this.writeBits(hi >>> 0, count - 32);
    this.writeBits(lo >>> 0, 32);
  }

  /** `count` zero bits followed by a one: the unary prefix of Rice and Exp-Golomb codes. */
  writeUnary(count: number): void {
    while (count >= 24) {
      this.writeBits(0, 24);
      count -= 24;
    }
    this.writeBits(1, count + 1);
  }

  /** Exp-Golomb order 0 of a non-negative safe integer below 2^53 - 1. */
  writeExpGolomb(value: number): void {
    const shifted = value + 1;
    const length = bitLength(shifted);
    this.writeUnary(length - 1);
    // The unary terminator is the top bit of `shifted`, so only the rest follows.
    this.writeUint(shifted, length - 1);
  }

  /** Length-prefixed unsigned: 6-bit bit length L, then the value in L bits (L = 0 for 0). */
  writeLengthPrefixed(value: number): void {
    const length = bitLength(value);
    this.writeBits(length, 6);
    this.writeUint(value, length);
  }

  /** Pads with zero bits to the next byte boundary. */
  alignToByte(): void {
    if (this.#accBits > 0) this.writeBits(0, 8 - this.#accBits);
  }

  /** Whole bytes written (call alignToByte() first to include a partial one). */
  get byteLength(): number {
    return this.#length;
  }

  /** Copies the whole bytes written into target at offset. */
  copyTo(target: Uint8Array, offset: number): void {
    target.set(this.#bytes.subarray(0, this.#length), offset);
  }

  /** Pads to a byte boundary and returns a copy of the bytes written. */
  finish(): Uint8Array {
    this.alignToByte();
    return this.#bytes.slice(0, this.#length);
  }

  #grow(extra: number): void {
    const next = new Uint8Array(Math.max(this.#bytes.length * 2, this.#length + extra));
    next.set(this.#bytes.subarray(0, this.#length));
    this.#bytes = next;
  }
}
