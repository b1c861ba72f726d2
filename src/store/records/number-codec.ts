import { CairnError, ErrorCodes } from '../../errors/index.js';
import type { ByteReader, ByteWriter } from './byte-io.js';

/**
 * One float64 in a WAL record: a 4-bit tag (two per byte, in a column of their own), then
 * either a decimal mantissa or the raw bits. Tag = digits (0-6) | 8 if negative for a value
 * that is exactly mantissa / 10^digits (the mantissa follows as a varint), or RAW followed by
 * the 8 bytes of the double (NaN payloads, -0, infinities, values with more digits).
 * Metrics are mostly integers and short decimals: 1–4 bytes instead of 8.
 */
export const RAW = 15;
const MAX_DIGITS = 6;
const POW10 = [1, 10, 100, 1000, 10000, 100000, 1000000];
const MAX_MANTISSA = 2 ** 53;

/** Writes the payload of `v` (its exact bits read from `bytes[i*8..]` when raw) and returns its tag. */
export function writeNumber(payload: ByteWriter, v: number, bytes: Uint8Array, i: number): number {
  if (v === v && v !== Infinity && v !== -Infinity && !(v === 0 && 1 / v < 0)) {
    const neg = v < 0 ? 8 : 0;
    const a = neg ? -v : v;
    for (let d = 0; d <= MAX_DIGITS; d++) {
      const p = POW10[d]!;
      const m = Math.round(a * p);
      if (m > MAX_MANTISSA) break;
      if (m / p === a) {
        payload.varint(m);
        return d | neg;
      }
    }
  }
  payload.raw8(bytes, i * 8);
  return RAW;
}

/** Reads one number of tag `tag` into `values[i]` (through `bytes`, over the same memory, for raw bits). */
export function readNumber(tag: number, payload: ByteReader, values: Float64Array, bytes: Uint8Array, i: number): void {
  if (tag === RAW) {
    payload.raw8(bytes, i * 8);
    return;
  }
  const d = tag & 7;
  if (d > MAX_DIGITS) throw new CairnError(ErrorCodes.WAL_CORRUPT, `unknown number tag ${tag} in a WAL record`);
  const m = payload.varint();
  const a = d === 0 ? m : m / POW10[d]!;
  values[i] = tag & 8 ? -a : a;
}

/** Packs 4-bit tags two to a byte (the first in the low nibble). */
export class TagWriter {
  readonly out: ByteWriter;
  #pending = -1;

  constructor(out: ByteWriter) {
    this.out = out;
  }

  reset(): void {
    this.out.reset();
    this.#pending = -1;
  }

  push(tag: number): void {
    if (this.#pending < 0) this.#pending = tag;
    else {
      this.out.u8(this.#pending | (tag << 4));
      this.#pending = -1;
    }
  }

  /** Writes a last unpaired tag. */
  flush(): void {
    if (this.#pending >= 0) this.out.u8(this.#pending);
    this.#pending = -1;
  }
}

/** Reads tags packed by TagWriter. */
export class TagReader {
  readonly #in: ByteReader;
  #byte = -1;

  constructor(input: ByteReader) {
    this.#in = input;
  }

  next(): number {
    if (this.#byte < 0) {
      this.#byte = this.#in.u8();
      return this.#byte & 15;
    }
    const tag = this.#byte >>> 4;
    this.#byte = -1;
    return tag;
  }
}
