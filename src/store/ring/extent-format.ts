import { crc32c } from './crc32c.js';
import type { FileNumber } from './file-number.js';
import { readInt64, viewOf, writeInt64 } from './le-bytes.js';
import type { PageIndex } from './page-index.js';
import type { PageToAppend } from './types.js';

/**
 * An extent: a header that lists its pages, then the compressed pages (docs/format/datafile.md).
 * The header is uncompressed and copied verbatim into the journal, so the page index rebuilds
 * from either file without decompressing anything.
 *
 *   magic u32 | payloadLength u32 | rawLength u32 | pageCount u32 | pageCount × descriptor (28 B)
 *   | headerCrc u32 | payload | payloadCrc u32
 *   descriptor: seriesRef u32 | minT i64 | maxT i64 | count u32 | pageLength u32
 */
export const EXTENT_PREFIX_BYTES = 16;
export const PAGE_DESCRIPTOR_BYTES = 28;
/** Smallest possible extent: one page, empty payload. */
export const MIN_EXTENT_BYTES = EXTENT_PREFIX_BYTES + PAGE_DESCRIPTOR_BYTES + 8;
const EXTENT_MAGIC = 0x5458_4543; // "CEXT"
const MAX_U32 = 0xffffffff;

export function extentHeaderBytes(pageCount: number): number {
  return EXTENT_PREFIX_BYTES + PAGE_DESCRIPTOR_BYTES * pageCount;
}

export function extentBytes(pageCount: number, payloadLength: number): number {
  return extentHeaderBytes(pageCount) + 8 + payloadLength;
}

/** The whole extent as written to the datafile. Pages must have been validated. */
export function encodeExtent(pages: readonly PageToAppend[], rawLength: number, payload: Uint8Array): Uint8Array {
  const headerBytes = extentHeaderBytes(pages.length);
  const extent = new Uint8Array(extentBytes(pages.length, payload.length));
  const view = viewOf(extent);
  view.setUint32(0, EXTENT_MAGIC, true);
  view.setUint32(4, payload.length, true);
  view.setUint32(8, rawLength, true);
  view.setUint32(12, pages.length, true);
  let at = EXTENT_PREFIX_BYTES;
  for (const { meta, bytes } of pages) {
    view.setUint32(at, meta.seriesRef, true);
    writeInt64(view, at + 4, meta.minT);
    writeInt64(view, at + 12, meta.maxT);
    view.setUint32(at + 20, meta.count, true);
    view.setUint32(at + 24, bytes.length, true);
    at += PAGE_DESCRIPTOR_BYTES;
  }
  view.setUint32(headerBytes, crc32c(extent, 0, headerBytes), true);
  extent.set(payload, headerBytes + 4);
  view.setUint32(extent.length - 4, crc32c(extent, headerBytes + 4, extent.length - 4), true);
  return extent;
}

export interface ExtentPrefix {
  readonly magicOk: boolean;
  readonly payloadLength: number;
  readonly rawLength: number;
  readonly pageCount: number;
}

/** The fixed first 16 bytes of an extent header at `at`; the caller makes sure they are there. */
export function readExtentPrefix(view: DataView, at: number): ExtentPrefix {
  return {
    magicOk: view.getUint32(at, true) === EXTENT_MAGIC,
    payloadLength: view.getUint32(at + 4, true),
    rawLength: view.getUint32(at + 8, true),
    pageCount: view.getUint32(at + 12, true),
  };
}

export type HeaderResult = { readonly ok: true; readonly extentLength: number; readonly pageCount: number } | { readonly ok: false; readonly reason: string };

/**
 * Stages the pages an extent header lists in `into`, as pages of the extent at `extentOffset`
 * of `file`; the caller commits them (or aborts) once it has checked the rest. The header
 * occupies `view[at, at + available)`; its CRC is the caller's business (journal entry CRC or
 * extent header CRC), this checks that the content is consistent.
 */
export function addExtentPages(view: DataView, at: number, available: number, file: FileNumber, extentOffset: number, into: PageIndex): HeaderResult {
  if (available < EXTENT_PREFIX_BYTES) return { ok: false, reason: 'extent header truncated' };
  const { magicOk, payloadLength, rawLength, pageCount } = readExtentPrefix(view, at);
  if (!magicOk) return { ok: false, reason: 'bad extent magic' };
  if (pageCount === 0 || extentHeaderBytes(pageCount) > available) return { ok: false, reason: `bad page count ${pageCount}` };
  const extentLength = extentBytes(pageCount, payloadLength);
  if (extentLength > MAX_U32) return { ok: false, reason: `extent length ${extentLength} too large` };
  into.beginExtent(file, extentOffset, extentLength, rawLength);
  let pageOffset = 0;
  let p = at + EXTENT_PREFIX_BYTES;
  for (let i = 0; i < pageCount; i++, p += PAGE_DESCRIPTOR_BYTES) {
    const minT = readInt64(view, p + 4);
    const maxT = readInt64(view, p + 12);
    const pageLength = view.getUint32(p + 24, true);
    if (!(minT <= maxT) || pageOffset + pageLength > rawLength) {
      into.abortExtent();
      return { ok: false, reason: `page ${i} inconsistent (times ${minT}..${maxT}, bytes ${pageOffset}+${pageLength} of ${rawLength})` };
    }
    into.addPage(view.getUint32(p, true), minT, maxT, pageOffset);
    pageOffset += pageLength;
  }
  if (pageOffset !== rawLength) {
    into.abortExtent();
    return { ok: false, reason: `pages hold ${pageOffset} bytes, extent says ${rawLength}` };
  }
  return { ok: true, extentLength, pageCount };
}

export type ExtentCheck =
  | { readonly ok: true; readonly rawLength: number; readonly headerBytes: number; readonly payload: Uint8Array }
  | { readonly ok: false; readonly reason: string };

/** Checks a whole extent as read from a datafile: magic, lengths, header CRC, payload CRC. */
export function verifyExtent(extent: Uint8Array): ExtentCheck {
  if (extent.length < MIN_EXTENT_BYTES) return { ok: false, reason: `extent truncated (${extent.length} bytes)` };
  const view = viewOf(extent);
  const { magicOk, payloadLength, rawLength, pageCount } = readExtentPrefix(view, 0);
  if (!magicOk) return { ok: false, reason: 'bad extent magic' };
  if (pageCount === 0 || extentBytes(pageCount, payloadLength) !== extent.length) {
    return { ok: false, reason: `extent lengths inconsistent (${pageCount} pages, payload ${payloadLength}, extent ${extent.length})` };
  }
  const headerBytes = extentHeaderBytes(pageCount);
  if (view.getUint32(headerBytes, true) !== crc32c(extent, 0, headerBytes)) return { ok: false, reason: 'extent header CRC mismatch' };
  if (view.getUint32(extent.length - 4, true) !== crc32c(extent, headerBytes + 4, extent.length - 4)) {
    return { ok: false, reason: 'extent payload CRC mismatch' };
  }
  return { ok: true, rawLength, headerBytes, payload: extent.subarray(headerBytes + 4, extent.length - 4) };
}
