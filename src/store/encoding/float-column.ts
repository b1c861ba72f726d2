import { BitWriter } from './bit-writer.js';
import { constantCodec } from './constant-codec.js';
import { decimalCodec } from './decimal-codec.js';
import { gorillaCodec } from './gorilla-codec.js';
import type { ValueCodec } from './value-codec.js';

/** Tried in this order; on equal size the earlier (cheaper to decode) one is kept. */
export const VALUE_CODECS: readonly ValueCodec[] = [constantCodec, decimalCodec, gorillaCodec];

let bestWriter = new BitWriter();
let candidateWriter = new BitWriter();

/**
 * Encodes values[0, count) with each value codec and keeps the smallest: the chosen codec and a
 * writer holding its byte-aligned bits, valid until the next call (one set of writers per thread).
 * Shared by pages (docs/format/page.md) and the float columns of rollup pages (rollup-page.md).
 */
export function encodeFloatColumn(values: Float64Array, count: number): { codec: ValueCodec; writer: BitWriter } {
  let best: ValueCodec | undefined;
  for (const codec of VALUE_CODECS) {
    candidateWriter.reset();
    const limitBits = best === undefined ? Infinity : bestWriter.byteLength * 8;
    if (!codec.encode(candidateWriter, values, count, limitBits)) continue;
    candidateWriter.alignToByte();
    if (best === undefined || candidateWriter.byteLength < bestWriter.byteLength) {
      best = codec;
      [bestWriter, candidateWriter] = [candidateWriter, bestWriter];
    }
    // A constant column is never smaller under the other codecs once it has two values: they
    // store the same value plus at least a bit per further value.
    if (best === constantCodec && count > 1) break;
  }
  if (best === undefined) throw new Error('unreachable: the Gorilla codec takes any values');
  return { codec: best, writer: bestWriter };
}

/** The value codec with id `id`, or undefined. */
export function valueCodecById(id: number): ValueCodec | undefined {
  return VALUE_CODECS.find((codec) => codec.id === id);
}
