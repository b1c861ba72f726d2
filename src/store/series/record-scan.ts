import { crc32c } from '../encoding/crc32c.js';

/**
 * Reading a record file (docs/format/series.md) without trusting any length: a record is
 * accepted only where its CRC matches, and after bytes that do not frame a record the reader
 * resynchronises on the next offset where a whole valid record starts (as the WAL does). So a
 * damaged length field costs that record, not every record after it.
 */
export const RECORD_HEADER_BYTES = 16;
export const RECORD_FORMAT_VERSION = 1;
const FRAME_BYTES = 8;

export interface ScannedRecord {
  readonly offset: number;
  /** Offset just after the record. */
  readonly end: number;
  readonly crc: number;
  readonly payload: Uint8Array;
}

export interface ByteRange {
  readonly offset: number;
  readonly end: number;
}

/**
 * `ok`; `short` (fewer than 16 bytes: new, or a crash while it was created); `damaged` (bad
 * magic or CRC: records are still read, they carry their own CRCs); `unsupported` (a
 * well-formed header of another version: never read, never rewritten).
 */
export type HeaderState = { readonly kind: 'ok' | 'short' | 'damaged' } | { readonly kind: 'unsupported'; readonly version: number };

export interface RecordScan {
  readonly header: HeaderState;
  readonly records: ScannedRecord[];
  /** Bytes between valid records that frame no record: damage. */
  readonly damaged: ByteRange[];
  /** End of the last valid record (16 when there is none). */
  readonly validEnd: number;
  /** Bytes after the last valid record that hold none: a torn write, or damage at the very end. */
  readonly tail: ByteRange | null;
}

/**
 * `firstByte`: what payloads start with, if the caller knows (the index's block format). Only
 * while resynchronising after damage: it rules out all but one offset in 256 before any CRC is
 * computed, so a large damaged region does not cost a CRC of a random length per byte. Where
 * records follow each other, any payload is read (a block of a format this build does not
 * know is kept, not taken for damage).
 */
export function scanRecords(bytes: Uint8Array, magic: string, firstByte?: number): RecordScan {
  const header = readHeader(bytes, magic);
  const records: ScannedRecord[] = [];
  const damaged: ByteRange[] = [];
  if (header.kind === 'unsupported' || header.kind === 'short') return { header, records, damaged, validEnd: RECORD_HEADER_BYTES, tail: null };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = RECORD_HEADER_BYTES;
  let validEnd = RECORD_HEADER_BYTES;
  while (at < bytes.length) {
    let record = recordAt(bytes, view, at, undefined);
    if (record === null) {
      const from = at;
      for (at++; at < bytes.length && (record = recordAt(bytes, view, at, firstByte)) === null; at++);
      if (record === null) return { header, records, damaged, validEnd, tail: { offset: from, end: bytes.length } };
      damaged.push({ offset: from, end: at });
    }
    records.push(record);
    at = validEnd = record.end;
  }
  return { header, records, damaged, validEnd, tail: null };
}

function readHeader(bytes: Uint8Array, magic: string): HeaderState {
  if (bytes.length < RECORD_HEADER_BYTES) return { kind: 'short' };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const crcOk = crc32c(bytes, 0, 12) === view.getUint32(12, true);
  const magicOk = Buffer.from(bytes.buffer, bytes.byteOffset, 8).toString('latin1') === magic;
  if (!crcOk || !magicOk) return { kind: 'damaged' };
  const version = view.getUint32(8, true);
  return version === RECORD_FORMAT_VERSION ? { kind: 'ok' } : { kind: 'unsupported', version };
}

/** The record framed at `at` if its length fits and its CRC matches. */
function recordAt(bytes: Uint8Array, view: DataView, at: number, firstByte: number | undefined): ScannedRecord | null {
  if (bytes.length - at < FRAME_BYTES) return null;
  const length = view.getUint32(at, true);
  // No writer makes an empty record, and eight zero bytes would pass as one (the CRC of
  // nothing is 0): a zero length is where a zero-filled region starts.
  if (length === 0 || length > bytes.length - at - FRAME_BYTES) return null;
  if (firstByte !== undefined && bytes[at + FRAME_BYTES] !== firstByte) return null;
  const end = at + FRAME_BYTES + length;
  const crc = view.getUint32(at + 4, true);
  if (crc32c(bytes, at + FRAME_BYTES, end) !== crc) return null;
  return { offset: at, end, crc, payload: bytes.subarray(at + FRAME_BYTES, end) };
}

/** The bytes of a record file holding `payloads`: the header, then each record framed. */
export function encodeRecordFile(magic: string, payloads: readonly Uint8Array[]): Buffer {
  const total = RECORD_HEADER_BYTES + payloads.reduce((n, p) => n + FRAME_BYTES + p.length, 0);
  const out = Buffer.alloc(total);
  out.write(magic, 0, 8, 'latin1');
  out.writeUInt32LE(RECORD_FORMAT_VERSION, 8);
  out.writeUInt32LE(crc32c(out, 0, 12), 12);
  encodeRecords(payloads, out, RECORD_HEADER_BYTES);
  return out;
}

/** Frames `payloads` into `out` from `at`; returns the end. */
export function encodeRecords(payloads: readonly Uint8Array[], out: Buffer, at = 0): number {
  for (const p of payloads) {
    out.writeUInt32LE(p.length, at);
    out.writeUInt32LE(crc32c(p), at + 4);
    out.set(p, at + FRAME_BYTES);
    at += FRAME_BYTES + p.length;
  }
  return at;
}

export function framedBytes(payloads: readonly Uint8Array[]): number {
  return payloads.reduce((n, p) => n + FRAME_BYTES + p.length, 0);
}
