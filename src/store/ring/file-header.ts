import { crc32c } from './crc32c.js';
import type { FileNumber, RingFileKind } from './file-number.js';
import { readInt64, viewOf, writeInt64 } from './le-bytes.js';

/** Bytes of the header that starts every datafile and journal (docs/format/datafile.md). */
export const FILE_HEADER_BYTES = 32;
export const FORMAT_VERSION = 1;

/** "CDAT" and "CJNL" as little-endian u32, so a hex dump shows the letters. */
const MAGIC: Record<RingFileKind, number> = { datafile: 0x5441_4443, journal: 0x4c4e_4a43 };

export interface FileHeader {
  readonly kind: RingFileKind;
  readonly version: number;
  readonly tier: number;
  readonly file: FileNumber;
  readonly createdAtMs: number;
}

export function encodeFileHeader(header: FileHeader): Uint8Array {
  const bytes = new Uint8Array(FILE_HEADER_BYTES);
  const view = viewOf(bytes);
  view.setUint32(0, MAGIC[header.kind], true);
  view.setUint16(4, header.version, true);
  view.setUint8(6, header.tier);
  view.setUint32(8, header.file, true);
  writeInt64(view, 12, header.createdAtMs);
  view.setUint32(28, crc32c(bytes, 0, 28), true);
  return bytes;
}

export type HeaderCheck = { readonly ok: true; readonly header: FileHeader } | { readonly ok: false; readonly reason: string };

/**
 * Checks magic, length and CRC only: version, tier and file number are the caller's to judge,
 * because a future version must not be mistaken for corruption (and deleted).
 */
export function decodeFileHeader(bytes: Uint8Array, kind: RingFileKind): HeaderCheck {
  if (bytes.length < FILE_HEADER_BYTES) return { ok: false, reason: `header truncated (${bytes.length} bytes)` };
  const view = viewOf(bytes);
  if (view.getUint32(0, true) !== MAGIC[kind]) return { ok: false, reason: 'bad magic' };
  if (view.getUint32(28, true) !== crc32c(bytes, 0, 28)) return { ok: false, reason: 'header CRC mismatch' };
  return {
    ok: true,
    header: {
      kind,
      version: view.getUint16(4, true),
      tier: view.getUint8(6),
      file: view.getUint32(8, true) as FileNumber,
      createdAtMs: readInt64(view, 12),
    },
  };
}
