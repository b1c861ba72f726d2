import { BitReader } from './bit-reader.js';
import { decodeIntSequence } from './int-sequence.js';
import { VALUE_CODECS } from './page-encode.js';
import { asPageCorrupt, pageCorrupt } from './page-corrupt.js';
import { MAX_PAGE_TIMESTAMP, PAGE_HEADER_BYTES, PAGE_VERSION, TIMESTAMP_CODEC_INT_SEQUENCE } from './page-format.js';

export interface DecodedPage {
  timestamps: Float64Array;
  values: Float64Array;
  count: number;
}

/**
 * Decodes a page written by encodePage into fresh arrays. Any malformed input (truncation,
 * unknown version or codec, a field out of range, trailing bytes, timestamps out of order)
 * throws CairnError PAGE_CORRUPT and nothing else; work is bounded by the 65,536-point cap.
 */
export function decodePage(bytes: Uint8Array): DecodedPage {
  try {
    return decode(bytes);
  } catch (error) {
    throw asPageCorrupt('page', error);
  }
}

function decode(bytes: Uint8Array): DecodedPage {
  if (bytes.length < PAGE_HEADER_BYTES) throw pageCorrupt(`page of ${bytes.length} bytes is shorter than its header`);
  const version = bytes[0]!;
  if (version !== PAGE_VERSION) throw pageCorrupt(`page version ${version}`);
  const codecs = bytes[1]!;
  if (codecs >>> 4 !== TIMESTAMP_CODEC_INT_SEQUENCE) throw pageCorrupt(`timestamp codec ${codecs >>> 4}`);
  const valueCodec = VALUE_CODECS.find((codec) => codec.id === (codecs & 0x0f));
  if (valueCodec === undefined) throw pageCorrupt(`value codec ${codecs & 0x0f}`);
  const count = (bytes[2]! | (bytes[3]! << 8)) + 1;

  const reader = new BitReader(bytes, PAGE_HEADER_BYTES);
  const timestamps = new Float64Array(count);
  decodeIntSequence(reader, timestamps, count);
  checkTimestamps(timestamps, count);
  reader.alignToByte();
  const values = new Float64Array(count);
  valueCodec.decode(reader, values, count);
  const end = reader.alignToByte();
  if (end !== bytes.length) throw pageCorrupt(`${bytes.length - end} trailing bytes after the page`);
  return { timestamps, values, count };
}

function checkTimestamps(timestamps: Float64Array, count: number): void {
  let previous = 0;
  for (let i = 0; i < count; i++) {
    const t = timestamps[i]!;
    if (t < previous || t > MAX_PAGE_TIMESTAMP) throw pageCorrupt(`timestamp ${t} at ${i} out of order or range`);
    previous = t;
  }
}
