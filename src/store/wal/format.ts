// Byte layout of WAL segments (docs/format/wal.md). Pure functions over buffers, no I/O.
import { crc32c } from './crc32c.js';
import type { SegmentNumber } from './position.js';

/** "CWAL" as bytes; read as a little-endian u32. */
export const SEGMENT_MAGIC = 0x4c415743;
export const SEGMENT_VERSION = 1;
/** magic u32 | version u16 | reserved u16 | segment u32 | crc32c u32 (of the first 12 bytes). */
export const SEGMENT_HEADER_BYTES = 16;

/** length u32 | crc32c u32 | type u8 | flags u8, then `length` payload bytes. */
export const FRAME_HEADER_BYTES = 10;
/** Where the checksummed bytes of a frame start: type, flags and payload. */
export const FRAME_CRC_START = 8;
/** Payload is `rawLength u32 | lz4 block`. */
export const FLAG_LZ4 = 0x01;
const KNOWN_FLAGS = FLAG_LZ4;

/**
 * Largest payload, before and after compression. Bounds what a corrupt length field can make
 * a reader allocate, and keeps every offset below 2^32 (segments are at most 1 GiB + one record).
 */
export const MAX_PAYLOAD_BYTES = 1 << 30;
export const MAX_SEGMENT_BYTES = 1 << 30;
/** Smallest segment that holds a header and one frame with a small payload. */
export const MIN_SEGMENT_BYTES = 64;

export function segmentFileName(segment: SegmentNumber): string {
  return `${String(segment).padStart(8, '0')}.wal`;
}

const SEGMENT_FILE = /^(\d{8,10})\.wal$/;

/** The segment number of a file name like `00000042.wal`, or null for any other name. */
export function parseSegmentFileName(name: string): SegmentNumber | null {
  const m = SEGMENT_FILE.exec(name);
  if (!m) return null;
  const n = Number(m[1]);
  return n >= 1 && n <= 0xffffffff ? (n as SegmentNumber) : null;
}

export function encodeSegmentHeader(segment: SegmentNumber): Buffer {
  const b = Buffer.alloc(SEGMENT_HEADER_BYTES);
  b.writeUInt32LE(SEGMENT_MAGIC, 0);
  b.writeUInt16LE(SEGMENT_VERSION, 4);
  b.writeUInt32LE(segment, 8);
  b.writeUInt32LE(crc32c(b, 0, 12), 12);
  return b;
}

export type SegmentHeaderCheck =
  | { readonly kind: 'ok' }
  /** Not a valid header (short, wrong magic, checksum, number): frames may still be readable. */
  | { readonly kind: 'corrupt'; readonly reason: string }
  /** A well-formed header of a format this code cannot read: the whole segment is skipped. */
  | { readonly kind: 'unsupported'; readonly version: number };

export function checkSegmentHeader(b: Uint8Array, length: number, expected: SegmentNumber): SegmentHeaderCheck {
  if (length < SEGMENT_HEADER_BYTES) return { kind: 'corrupt', reason: `segment header is ${length} bytes, expected ${SEGMENT_HEADER_BYTES}` };
  const view = new DataView(b.buffer, b.byteOffset, SEGMENT_HEADER_BYTES);
  const magic = view.getUint32(0, true);
  if (magic !== SEGMENT_MAGIC) return { kind: 'corrupt', reason: `bad segment magic 0x${magic.toString(16)}` };
  if (view.getUint32(12, true) !== crc32c(b, 0, 12)) return { kind: 'corrupt', reason: 'segment header checksum mismatch' };
  const version = view.getUint16(4, true);
  if (version !== SEGMENT_VERSION) return { kind: 'unsupported', version };
  const segment = view.getUint32(8, true);
  if (segment !== expected) return { kind: 'corrupt', reason: `segment header says ${segment}, file name says ${expected}` };
  return { kind: 'ok' };
}

/** Writes a frame header in front of a payload already placed at `frame[FRAME_HEADER_BYTES..]`. */
export function sealFrame(frame: Buffer, type: number, flags: number): Buffer {
  frame.writeUInt32LE(frame.length - FRAME_HEADER_BYTES, 0);
  frame[8] = type;
  frame[9] = flags;
  frame.writeUInt32LE(crc32c(frame, FRAME_CRC_START, frame.length), 4);
  return frame;
}

export interface FrameHeader {
  readonly length: number;
  readonly crc: number;
  readonly type: number;
  readonly flags: number;
}

export function readFrameHeader(b: Uint8Array, at: number): FrameHeader {
  const view = new DataView(b.buffer, b.byteOffset + at, FRAME_HEADER_BYTES);
  return { length: view.getUint32(0, true), crc: view.getUint32(4, true), type: view.getUint8(8), flags: view.getUint8(9) };
}

/**
 * Why a frame header cannot start a record that ends by `remaining` bytes from its start, or
 * null if it can. Cheap checks only (no checksum): they reject almost every offset when a
 * reader scans forward byte by byte after corruption. Type 0 is never written, so a zero-filled
 * tail is rejected here.
 */
export function implausibleFrame(h: FrameHeader, remaining: number): string | null {
  if (h.type === 0) return h.length === 0 && h.crc === 0 ? 'zero-filled bytes' : 'record type 0';
  if ((h.flags & ~KNOWN_FLAGS) !== 0) return `unknown record flags 0x${h.flags.toString(16)}`;
  if (h.length > MAX_PAYLOAD_BYTES) return `impossible record length ${h.length}`;
  if (FRAME_HEADER_BYTES + h.length > remaining) return `record length ${h.length} runs past the end of the segment`;
  if ((h.flags & FLAG_LZ4) !== 0 && h.length < 4) return `compressed record of ${h.length} bytes has no length prefix`;
  return null;
}
