import { addExtentPages, EXTENT_PREFIX_BYTES, extentBytes, readExtentPrefix, verifyExtent } from './extent-format.js';
import type { FileNumber } from './file-number.js';
import { viewOf } from './le-bytes.js';
import type { PageTableBuilder } from './page-table.js';
import type { RingFileHandle } from './ring-io.js';

export interface RecoveredExtent {
  readonly extentOffset: number;
  /** Copy of the extent header, as the journal entry needs it. */
  readonly header: Uint8Array;
}

export interface DatafileScan {
  readonly recovered: readonly RecoveredExtent[];
  /** Where the last valid extent ends; bytes after it are a torn or unreadable tail. */
  readonly validEnd: number;
  readonly tailReason: string | null;
}

/**
 * Finds the extents of `datafile[from, size)` that pass every check (both CRCs) and adds their
 * pages to `into`. Used for the part of a datafile its journal does not describe: a journal
 * that was lost, or an extent written just before a crash whose journal entry was not. The
 * payload is read to check its CRC, never decompressed. The scan stops at the first extent
 * that fails, because extent lengths are the only way to find the next one.
 */
export async function scanDatafile(datafile: RingFileHandle, file: FileNumber, from: number, size: number, into: PageTableBuilder): Promise<DatafileScan> {
  const recovered: RecoveredExtent[] = [];
  const prefix = new Uint8Array(EXTENT_PREFIX_BYTES);
  let p = from;
  const stop = (reason: string): DatafileScan => ({ recovered, validEnd: p, tailReason: `offset ${p}: ${reason}` });

  while (p < size) {
    if ((await datafile.read(prefix, p)) < EXTENT_PREFIX_BYTES) return stop('extent header truncated');
    const { magicOk, pageCount, payloadLength } = readExtentPrefix(viewOf(prefix), 0);
    if (!magicOk) return stop('bad extent magic');
    const extentLength = extentBytes(pageCount, payloadLength);
    if (pageCount === 0 || extentLength > size - p) return stop(`extent of ${extentLength} bytes does not fit the file`);
    const extent = new Uint8Array(extentLength);
    if ((await datafile.read(extent, p)) < extentLength) return stop('extent truncated');
    const check = verifyExtent(extent);
    if (!check.ok) return stop(check.reason);
    const added = addExtentPages(viewOf(extent), 0, check.headerBytes, file, p, into);
    if (!added.ok) return stop(added.reason);
    recovered.push({ extentOffset: p, header: extent.slice(0, check.headerBytes) });
    p += extentLength;
  }
  return { recovered, validEnd: p, tailReason: null };
}
