// Record payloads on the way in (frame + optional lz4) and out (checked decompression).
import { createRequire } from 'node:module';
import { FLAG_LZ4, FRAME_HEADER_BYTES, MAX_PAYLOAD_BYTES, sealFrame } from './format.js';

/** The part of the `lz4` native addon we use (it ships no types). */
interface Lz4Block {
  encodeBound(size: number): number;
  /** Compresses all of `input` into `output[start, end)`; returns the size, 0 if it did not fit. */
  encodeBlock(input: Uint8Array, output: Uint8Array, start?: number, end?: number): number;
  /** Decompresses `input[start, end)` into `output`; returns the size, negative on bad input. */
  decodeBlock(input: Uint8Array, output: Uint8Array, start?: number, end?: number): number;
}

// A CommonJS native addon: createRequire works under both plain Node and vitest.
const lz4 = createRequire(import.meta.url)('lz4') as Lz4Block;

/**
 * Below this, lz4 cannot win back its 4-byte length prefix and block overhead often enough to
 * be worth the call.
 */
const MIN_COMPRESS_BYTES = 64;

/** Length prefix of a compressed payload: the size before compression. */
const RAW_LENGTH_BYTES = 4;

/** A whole frame (header + stored payload), lz4-compressed when that makes it smaller. */
export function encodeFrame(type: number, payload: Uint8Array): Buffer {
  if (payload.length >= MIN_COMPRESS_BYTES) {
    const at = FRAME_HEADER_BYTES + RAW_LENGTH_BYTES;
    const frame = Buffer.allocUnsafe(at + lz4.encodeBound(payload.length));
    const packed = lz4.encodeBlock(payload, frame, at, frame.length);
    if (packed > 0 && RAW_LENGTH_BYTES + packed < payload.length) {
      frame.writeUInt32LE(payload.length, FRAME_HEADER_BYTES);
      return sealFrame(frame.subarray(0, at + packed), type, FLAG_LZ4);
    }
  }
  // Copied, so the caller may reuse its buffer as soon as append() returns.
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length);
  frame.set(payload, FRAME_HEADER_BYTES);
  return sealFrame(frame, type, 0);
}

/** The most bytes `encodeFrameInto` may write for a payload of `payloadBytes`. */
export function maxFrameBytes(payloadBytes: number): number {
  return FRAME_HEADER_BYTES + RAW_LENGTH_BYTES + Math.max(payloadBytes, lz4.encodeBound(payloadBytes));
}

/**
 * Writes the whole frame for `payload` into `target` at `at` (which must have
 * `maxFrameBytes(payload.length)` bytes free) and returns its length: what a decode worker
 * does so the main thread only hands the bytes to the WAL.
 */
export function encodeFrameInto(type: number, payload: Uint8Array, target: Uint8Array, at: number): number {
  const frame = Buffer.from(target.buffer, target.byteOffset + at, target.length - at);
  if (payload.length >= MIN_COMPRESS_BYTES) {
    const start = FRAME_HEADER_BYTES + RAW_LENGTH_BYTES;
    const packed = lz4.encodeBlock(payload, frame, start, frame.length);
    if (packed > 0 && RAW_LENGTH_BYTES + packed < payload.length) {
      frame.writeUInt32LE(payload.length, FRAME_HEADER_BYTES);
      return sealFrame(frame.subarray(0, start + packed), type, FLAG_LZ4).length;
    }
  }
  frame.set(payload, FRAME_HEADER_BYTES);
  return sealFrame(frame.subarray(0, FRAME_HEADER_BYTES + payload.length), type, 0).length;
}

export type DecodedPayload = { readonly ok: true; readonly payload: Uint8Array } | { readonly ok: false; readonly reason: string };

/**
 * The caller's payload from a stored one whose checksum matched, copied out of `stored` (the
 * reader's buffer is reused). Fails only on a writer bug or a checksum collision.
 */
export function decodePayload(stored: Uint8Array, flags: number): DecodedPayload {
  if ((flags & FLAG_LZ4) === 0) return { ok: true, payload: new Uint8Array(stored) };
  const rawLength = new DataView(stored.buffer, stored.byteOffset, RAW_LENGTH_BYTES).getUint32(0, true);
  if (rawLength > MAX_PAYLOAD_BYTES) return { ok: false, reason: `compressed record claims ${rawLength} bytes` };
  const out = new Uint8Array(rawLength);
  const n = rawLength === 0 ? 0 : lz4.decodeBlock(stored, out, RAW_LENGTH_BYTES, stored.length);
  if (n !== rawLength) return { ok: false, reason: `lz4 block decoded to ${n} bytes, expected ${rawLength}` };
  return { ok: true, payload: out };
}
