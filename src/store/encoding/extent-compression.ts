import { createRequire } from 'node:module';
import { inflateRawSync } from 'node:zlib';
import { asPageCorrupt, pageCorrupt } from './page-corrupt.js';

/** The parts of the `lz4` native addon used here (the package ships no types). */
interface Lz4Block {
  encodeBound(length: number): number;
  /** Returns the compressed length, 0 when the output does not fit. */
  encodeBlock(input: Buffer, output: Buffer): number;
  /** Returns the decompressed length, negative on malformed input (LZ4_decompress_safe). */
  decodeBlock(input: Buffer, output: Buffer): number;
}

// `lz4` is CommonJS with a native addon; createRequire loads it from ESM without typings.
const lz4 = createRequire(import.meta.url)('lz4') as Lz4Block;

/** First byte of a compressed extent (docs/format/extent.md). */
export const ExtentMethod = {
  NONE: 0,
  LZ4: 1,
  DEFLATE: 2,
} as const;
export type ExtentMethod = (typeof ExtentMethod)[keyof typeof ExtentMethod];

/** Extents are a few hundred KiB; anything claiming more than this is corrupt, not big. */
export const MAX_EXTENT_BYTES = 64 * 1024 * 1024;

/**
 * Compresses an extent (concatenated pages) with the smaller of none and lz4 block. Raw
 * deflate level 1 stays readable (method 2) but is not written: on the store workload it
 * saved ~1 % over lz4 for ~20× the CPU (BENCHMARKS.md, "Store encoding"), since the pages are
 * bit-packed already. The caller stores raw.length beside the result for decompressExtent.
 * The result owns its ArrayBuffer, so a worker can transfer it.
 */
export function compressExtent(raw: Uint8Array): Uint8Array {
  if (raw.length > MAX_EXTENT_BYTES) throw new RangeError(`extent of ${raw.length} bytes exceeds ${MAX_EXTENT_BYTES}`);
  const input = Buffer.from(raw.buffer, raw.byteOffset, raw.length);
  let best = withMethod(ExtentMethod.NONE, raw);

  const lz4Out = Buffer.allocUnsafe(lz4.encodeBound(raw.length));
  const lz4Length = raw.length === 0 ? 0 : lz4.encodeBlock(input, lz4Out);
  if (lz4Length > 0 && 1 + lz4Length < best.length) best = withMethod(ExtentMethod.LZ4, lz4Out.subarray(0, lz4Length));

  return best;
}

/**
 * Inverse of compressExtent, given the raw length stored beside it. Throws CairnError
 * PAGE_CORRUPT when the method is unknown or the payload does not inflate to exactly
 * rawLength bytes.
 */
export function decompressExtent(bytes: Uint8Array, rawLength: number): Uint8Array {
  try {
    return decompress(bytes, rawLength);
  } catch (error) {
    throw asPageCorrupt('extent', error);
  }
}

function decompress(bytes: Uint8Array, rawLength: number): Uint8Array {
  if (!Number.isInteger(rawLength) || rawLength < 0 || rawLength > MAX_EXTENT_BYTES) {
    throw pageCorrupt(`extent raw length ${rawLength}`);
  }
  if (bytes.length < 1) throw pageCorrupt('empty extent');
  const method = bytes[0]!;
  const payload = bytes.subarray(1);
  switch (method) {
    case ExtentMethod.NONE:
      if (payload.length !== rawLength) throw lengthMismatch(payload.length, rawLength);
      return ownedCopy(payload);
    case ExtentMethod.LZ4: {
      if (rawLength === 0) throw pageCorrupt('lz4 extent with no content');
      const out = Buffer.alloc(rawLength); // its own ArrayBuffer: alloc never uses the pool
      const length = lz4.decodeBlock(Buffer.from(payload.buffer, payload.byteOffset, payload.length), out);
      if (length !== rawLength) throw lengthMismatch(length, rawLength);
      return new Uint8Array(out.buffer, out.byteOffset, out.length);
    }
    case ExtentMethod.DEFLATE: {
      // maxOutputLength bounds the work a hostile payload can cause (deflate bombs).
      const out = inflateRawSync(payload, { maxOutputLength: Math.max(1, rawLength) });
      if (out.length !== rawLength) throw lengthMismatch(out.length, rawLength);
      return ownedCopy(out);
    }
    default:
      throw pageCorrupt(`extent compression method ${method}`);
  }
}

/**
 * Results own their whole ArrayBuffer: zlib and Buffer.allocUnsafe hand out slices of shared
 * pools, and a worker that transfers a pooled buffer to the main thread would take the pool.
 */
function ownedCopy(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  out.set(bytes);
  return out;
}

function withMethod(method: ExtentMethod, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + payload.length);
  out[0] = method;
  out.set(payload, 1);
  return out;
}

function lengthMismatch(actual: number, expected: number): Error {
  return pageCorrupt(`extent inflates to ${actual} bytes, expected ${expected}`);
}
