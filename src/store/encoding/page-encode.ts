import { BitWriter } from './bit-writer.js';
import { encodeIntSequence } from './int-sequence.js';
import { encodeFloatColumn } from './float-column.js';
import {
  MAX_PAGE_POINTS,
  MAX_PAGE_TIMESTAMP,
  PAGE_VERSION,
  TIMESTAMP_CODEC_INT_SEQUENCE,
} from './page-format.js';

export { VALUE_CODECS } from './float-column.js';

const timestampWriter = new BitWriter();

/**
 * Encodes points [0, count) of a series as one page (docs/format/page.md). Timestamps are
 * integer milliseconds in [0, 2^51), non-decreasing; values are any float64 and round-trip
 * bit-exactly. The value codec is chosen per page by encoding with each and keeping the
 * smallest. Throws RangeError on arguments outside that contract (a caller bug, not data).
 */
export function encodePage(timestamps: Float64Array, values: Float64Array, count: number): Uint8Array {
  checkArguments(timestamps, values, count);

  const head = timestampWriter;
  head.reset();
  head.writeBits(PAGE_VERSION, 8);
  head.writeBits(0, 8); // codec byte, patched below
  head.writeBits((count - 1) & 0xff, 8);
  head.writeBits((count - 1) >>> 8, 8);
  encodeIntSequence(head, timestamps, count); // cannot fail in the checked timestamp range
  head.alignToByte();

  const { codec: best, writer: bestWriter } = encodeFloatColumn(values, count);

  const page = new Uint8Array(head.byteLength + bestWriter.byteLength);
  head.copyTo(page, 0);
  bestWriter.copyTo(page, head.byteLength);
  page[1] = (TIMESTAMP_CODEC_INT_SEQUENCE << 4) | best.id;
  return page;
}

function checkArguments(timestamps: Float64Array, values: Float64Array, count: number): void {
  if (!Number.isInteger(count) || count < 1 || count > MAX_PAGE_POINTS) {
    throw new RangeError(`page point count ${count} outside 1..${MAX_PAGE_POINTS}`);
  }
  if (timestamps.length < count || values.length < count) {
    throw new RangeError(`page of ${count} points given ${timestamps.length} timestamps and ${values.length} values`);
  }
  let previous = 0;
  for (let i = 0; i < count; i++) {
    const t = timestamps[i]!;
    if (!Number.isInteger(t) || t < previous || t > MAX_PAGE_TIMESTAMP) {
      throw new RangeError(
        `timestamp ${t} at ${i}: page timestamps are integer ms in [0, 2^51), non-decreasing`,
      );
    }
    previous = t;
  }
}
