import { pageCorrupt } from './page-corrupt.js';
import { TWO_POW_32 } from './int-math.js';

/**
 * Reads the bit fields BitWriter wrote (MSB-first). Reads peek a 32-bit window at the bit
 * position instead of refilling an accumulator bit group by bit group (about 2x faster on
 * Rice codes, measured in native-bench/store-encoding.bench.mjs). Every read is
 * bounds-checked: running off the end, an over-long unary run or an over-wide length is
 * PAGE_CORRUPT, never a hang.
 */
export class BitReader {
  #bytes: Uint8Array;
  #bitPos: number;
  #endBit: number;
  #end: number;

  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    this.#bytes = bytes;
    this.#bitPos = start * 8;
    this.#end = end;
    this.#endBit = end * 8;
  }

  /**
   * 32 bits from the bit position, MSB-aligned; the top 25 are data (or zero past the end),
   * the low (bitPos & 7) are zero fill.
   */
  #window(): number {
    const bytes = this.#bytes;
    const i = this.#bitPos >>> 3;
    let word: number;
    if (i + 3 < this.#end) {
      word = (bytes[i]! << 24) | (bytes[i + 1]! << 16) | (bytes[i + 2]! << 8) | bytes[i + 3]!;
    } else {
      word = 0;
      for (let j = 0; j < 4; j++) word = (word << 8) | (i + j < this.#end ? bytes[i + j]! : 0);
    }
    return word << (this.#bitPos & 7);
  }

  #advance(count: number): void {
    this.#bitPos += count;
    if (this.#bitPos > this.#endBit) throw pageCorrupt('unexpected end of data');
  }

  /** Reads `count` bits (0 <= count <= 32) as an unsigned integer. */
  readBits(count: number): number {
    if (count > 24) {
      const hi = this.readBits(count - 16);
      return hi * 0x10000 + this.readBits(16);
    }
    if (count === 0) return 0;
    const value = this.#window() >>> (32 - count);
    this.#advance(count);
    return value;
  }

  readBit(): number {
    return this.readBits(1);
  }

  /** Reads `count` bits (count <= 53) as a safe integer. */
  readUint(count: number): number {
    if (count <= 32) return this.readBits(count);
    const hi = this.readBits(count - 32);
    return hi * TWO_POW_32 + this.readBits(32);
  }

  /**
   * Counts zero bits up to the next one bit and consumes both. Returns `limit` without
   * consuming a terminator when `limit` zeros come first (the caller decides whether that is
   * an escape or corruption).
   */
  readUnary(limit: number): number {
    let zeros = 0;
    for (;;) {
      const leading = Math.clz32(this.#window());
      if (leading < 25) {
        if (zeros + leading >= limit) break;
        this.#advance(leading + 1);
        return zeros + leading;
      }
      if (zeros + 25 >= limit) break;
      zeros += 25;
      this.#advance(25);
    }
    this.#advance(limit - zeros);
    return limit;
  }

  /**
   * A Rice code with parameter k (q zeros, a one, k low bits) as q·2^k + low, or -1 when
   * `escape` (<= 24) zeros come first; those are consumed and the caller reads the escape.
   * Lives here because one window read serves the whole code in the common case.
   */
  readRice(k: number, escape: number): number {
    const window = this.#window();
    const q = Math.clz32(window);
    const total = q + 1 + k;
    if (q < escape && total <= 25) {
      this.#advance(total);
      return k === 0 ? q : (q << k) | ((window << (q + 1)) >>> (32 - k));
    }
    const zeros = this.readUnary(escape);
    if (zeros >= escape) return -1;
    return zeros * 2 ** k + this.readUint(k);
  }

  /** Exp-Golomb order 0; values need at most `maxBits` significant bits once shifted by one. */
  readExpGolomb(maxBits = 53): number {
    const zeros = this.readUnary(maxBits);
    if (zeros >= maxBits) throw pageCorrupt('Exp-Golomb code too long');
    // The terminator read by readUnary is the implicit top bit.
    return 2 ** zeros + this.readUint(zeros) - 1;
  }

  /** 6-bit length L then L bits; L above `maxBits` is corruption. */
  readLengthPrefixed(maxBits = 53): number {
    const length = this.readBits(6);
    if (length > maxBits) throw pageCorrupt(`length-prefixed field of ${length} bits`);
    return this.readUint(length);
  }

  /**
   * Skips to the next byte boundary, requires the skipped bits to be zero, and returns the
   * byte offset where the next section starts.
   */
  alignToByte(): number {
    const partial = this.#bitPos & 7;
    if (partial !== 0) {
      if (this.readBits(8 - partial) !== 0) throw pageCorrupt('non-zero padding bits');
    }
    return this.#bitPos >>> 3;
  }
}
