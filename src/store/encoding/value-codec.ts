import type { BitReader } from './bit-reader.js';
import type { BitWriter } from './bit-writer.js';

/** One way of storing a page's values; the page encoder tries each and keeps the smallest. */
export interface ValueCodec {
  /** Stored in the low nibble of the page's codec byte. */
  readonly id: number;
  readonly name: 'constant' | 'gorilla' | 'decimal';
  /**
   * Writes values[0, count) and returns true, or returns false when the codec does not apply.
   * It may also give up (false) once the writer holds more than `limitBits`: the page already
   * has a smaller encoding.
   */
  encode(writer: BitWriter, values: Float64Array, count: number, limitBits: number): boolean;
  /** Fills out[0, count); throws PAGE_CORRUPT on bad input. */
  decode(reader: BitReader, out: Float64Array, count: number): void;
}
