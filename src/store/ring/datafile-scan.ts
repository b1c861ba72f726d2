import { addExtentPages, EXTENT_PREFIX_BYTES, extentBytes, readExtentPrefix, verifyExtent } from './extent-format.js';
import type { FileNumber } from './file-number.js';
import { viewOf } from './le-bytes.js';
import type { PageIndex } from './page-index.js';
import type { RingFileHandle } from './ring-io.js';
import type { TimeRange } from './time-range.js';
import { emptyRange, widen } from './time-range.js';

export interface RecoveredExtent {
  readonly extentOffset: number;
  /** Copy of the extent header, as the journal entry needs it. */
  readonly header: Uint8Array;
}

export interface BadRange {
  readonly offset: number;
  readonly end: number;
  readonly reason: string;
}

export interface DatafileScan {
  readonly recovered: readonly RecoveredExtent[];
  /** Bytes that hold no valid extent, with a valid one after them: damage, costing what they held. */
  readonly damaged: readonly BadRange[];
  /** Where the last valid extent ends. */
  readonly validEnd: number;
  /** Bytes after the last valid extent that hold none: a torn write in the newest file, damage elsewhere. */
  readonly tail: BadRange | null;
  readonly times: TimeRange;
}

/** "CEXT": the bytes an extent starts with, searched for after damage. */
const MAGIC_BYTES = Buffer.from('CEXT', 'latin1');
const SEARCH_CHUNK = 1 << 20;

/**
 * Finds the extents of `datafile[from, to)` that pass every check (both CRCs) and indexes their
 * pages. Used where the journal does not describe the datafile: a journal lost or rebuilt, the
 * extents after its last entry (a crash between the two writes), or the room of a damaged entry.
 * The payload is read to check its CRC, never decompressed. After bytes that are no valid
 * extent, the scan looks for the next offset where one starts (its magic, then every check), so
 * damage costs the extents it hit, not every extent after it.
 */
export async function scanDatafile(datafile: RingFileHandle, file: FileNumber, from: number, to: number, into: PageIndex): Promise<DatafileScan> {
  const recovered: RecoveredExtent[] = [];
  const damaged: BadRange[] = [];
  const times = emptyRange();
  let p = from;
  let validEnd = from;
  while (p < to) {
    const found = await readExtent(datafile, file, p, to, into);
    if (found.ok) {
      widen(times, into.commitExtent());
      recovered.push({ extentOffset: p, header: found.header });
      p = validEnd = p + found.length;
      continue;
    }
    const next = await findNextExtent(datafile, file, p + 1, to, into);
    if (next === null) return { recovered, damaged, validEnd, tail: { offset: p, end: to, reason: found.reason }, times };
    damaged.push({ offset: p, end: next.offset, reason: found.reason });
    widen(times, into.commitExtent());
    recovered.push({ extentOffset: next.offset, header: next.header });
    p = validEnd = next.offset + next.length;
  }
  return { recovered, damaged, validEnd, tail: null, times };
}

type Found = { readonly ok: true; readonly length: number; readonly header: Uint8Array } | { readonly ok: false; readonly reason: string };

/** The extent at `p` if it is whole and valid, its pages staged in `into` (uncommitted). */
async function readExtent(datafile: RingFileHandle, file: FileNumber, p: number, to: number, into: PageIndex): Promise<Found> {
  const prefix = new Uint8Array(EXTENT_PREFIX_BYTES);
  if ((await datafile.read(prefix, p)) < EXTENT_PREFIX_BYTES || to - p < EXTENT_PREFIX_BYTES) return { ok: false, reason: 'extent header truncated' };
  const { magicOk, pageCount, payloadLength } = readExtentPrefix(viewOf(prefix), 0);
  if (!magicOk) return { ok: false, reason: 'bad extent magic' };
  const length = extentBytes(pageCount, payloadLength);
  if (pageCount === 0 || length > to - p) return { ok: false, reason: `extent of ${length} bytes does not fit the file` };
  const extent = new Uint8Array(length);
  if ((await datafile.read(extent, p)) < length) return { ok: false, reason: 'extent truncated' };
  const check = verifyExtent(extent);
  if (!check.ok) return check;
  const added = addExtentPages(viewOf(extent), 0, check.headerBytes, file, p, into);
  if (!added.ok) return added;
  return { ok: true, length, header: extent.slice(0, check.headerBytes) };
}

/** The first offset in [from, to) where a valid extent starts, its pages staged; null if none does. */
async function findNextExtent(datafile: RingFileHandle, file: FileNumber, from: number, to: number, into: PageIndex): Promise<{ offset: number; length: number; header: Uint8Array } | null> {
  const chunk = new Uint8Array(Math.min(SEARCH_CHUNK, Math.max(0, to - from)));
  for (let base = from; base < to; ) {
    const n = await datafile.read(chunk, base, Math.min(chunk.length, to - base));
    if (n === 0) return null;
    const view = Buffer.from(chunk.buffer, chunk.byteOffset, n);
    for (let at = view.indexOf(MAGIC_BYTES); at >= 0; at = view.indexOf(MAGIC_BYTES, at + 1)) {
      const found = await readExtent(datafile, file, base + at, to, into);
      if (found.ok) return { offset: base + at, length: found.length, header: found.header };
    }
    // Overlap by the magic's length less one, so a magic across two chunks is found.
    base += n > MAGIC_BYTES.length ? n - (MAGIC_BYTES.length - 1) : n;
  }
  return null;
}
