import { crc32c } from './crc32c.js';
import { addExtentPages, EXTENT_PREFIX_BYTES, PAGE_DESCRIPTOR_BYTES } from './extent-format.js';
import { FILE_HEADER_BYTES } from './file-header.js';
import type { FileNumber } from './file-number.js';
import { ENTRY_OVERHEAD, MIN_JOURNAL_ENTRY_BYTES } from './journal-format.js';
import { viewOf } from './le-bytes.js';
import type { PageIndex } from './page-index.js';
import type { TimeRange } from './time-range.js';
import { emptyRange, widen } from './time-range.js';

/** Datafile bytes between two journaled extents where skipped (damaged) entries pointed: scanned for their extents. */
export interface JournalGap {
  readonly from: number;
  readonly to: number;
  /** Entries skipped there. */
  readonly skipped: number;
}

export interface JournalScan {
  /** Entries whose pages were indexed. */
  readonly entries: number;
  /** Entries skipped in the middle of the journal (CRC or content); the first reason is kept for the log. */
  readonly skipped: number;
  readonly firstSkipReason: string | null;
  /** Where the valid journal ends; bytes after it are a torn or unusable tail to cut off. */
  readonly validEnd: number;
  readonly tailReason: string | null;
  /** End of the last extent the journal describes (the datafile header's end if none): the datafile is scanned from here. */
  readonly extentsEnd: number;
  readonly gaps: readonly JournalGap[];
  /** Entries skipped after the last accepted one: their extents, if any, are in the datafile after `extentsEnd`. */
  readonly skippedAtEnd: number;
  /** Well-formed entries whose extents lie past the datafile's end (it lost its tail), from the first of them on. */
  readonly pastEnd: { readonly entries: number; readonly extentOffset: number } | null;
  /** (entry offset, entry length) of each accepted entry, in order: kept when the journal is rewritten. */
  readonly accepted: readonly number[];
  readonly times: TimeRange;
}

/**
 * Indexes the pages of every valid entry of a journal (header included in `journal`, already
 * checked; docs/format/journal.md, "Rebuild"). A damaged last entry is a torn write; a damaged
 * entry with more entries after it is skipped, and the datafile bytes it described become a gap
 * the caller scans for the extent. An entry that cannot be framed, or whose extent lies past the
 * end of the datafile, ends the journal: nothing after it can be trusted, and keeping it would
 * mislead the next open once new extents fill that space.
 */
export function scanJournal(journal: Uint8Array, file: FileNumber, datafileBytes: number, into: PageIndex): JournalScan {
  const view = viewOf(journal);
  const end = journal.length;
  let entries = 0;
  let skipped = 0;
  let firstSkipReason: string | null = null;
  let extentsEnd = FILE_HEADER_BYTES;
  let p = FILE_HEADER_BYTES;
  const times = emptyRange();
  const gaps: JournalGap[] = [];
  const accepted: number[] = [];
  let open = 0;
  const skip = (reason: string): void => {
    skipped++;
    open++;
    firstSkipReason ??= `offset ${p}: ${reason}`;
  };
  const result = (tailReason: string | null, pastEnd: JournalScan['pastEnd'] = null): JournalScan => ({
    entries,
    skipped,
    firstSkipReason,
    validEnd: p,
    tailReason: tailReason === null ? null : `offset ${p}: ${tailReason}`,
    extentsEnd,
    gaps,
    skippedAtEnd: open,
    pastEnd,
    accepted,
    times,
  });

  while (p < end) {
    if (end - p < 4) return result('entry length truncated');
    const entryLength = view.getUint32(p, true);
    const headerBytes = entryLength - ENTRY_OVERHEAD;
    if (entryLength < MIN_JOURNAL_ENTRY_BYTES || (headerBytes - EXTENT_PREFIX_BYTES) % PAGE_DESCRIPTOR_BYTES !== 0) {
      return result(`entry length ${entryLength} impossible`);
    }
    if (entryLength > end - p) return result(`entry of ${entryLength} bytes truncated at ${end - p}`);
    const entryEnd = p + entryLength;
    if (view.getUint32(entryEnd - 4, true) !== crc32c(journal, p, entryEnd - 4)) {
      if (entryEnd === end) return result('last entry CRC mismatch');
      skip('entry CRC mismatch');
      p = entryEnd;
      continue;
    }
    const extentOffset = view.getUint32(p + 4, true);
    const added = addExtentPages(view, p + 8, headerBytes, file, extentOffset, into);
    if (!added.ok) {
      skip(added.reason);
    } else if (headerBytes !== EXTENT_PREFIX_BYTES + added.pageCount * PAGE_DESCRIPTOR_BYTES) {
      into.abortExtent();
      skip(`entry length ${entryLength} disagrees with its ${added.pageCount} pages`);
    } else if (extentOffset + added.extentLength > datafileBytes) {
      into.abortExtent();
      const reason = `extent ${extentOffset}+${added.extentLength} past the datafile end ${datafileBytes}`;
      return result(reason, { entries: countEntries(journal, p), extentOffset });
    } else if (extentOffset < extentsEnd) {
      into.abortExtent();
      skip(`extent at ${extentOffset} overlaps the previous one (ending at ${extentsEnd})`);
    } else {
      widen(times, into.commitExtent());
      if (open > 0 && extentOffset > extentsEnd) gaps.push({ from: extentsEnd, to: extentOffset, skipped: open });
      open = 0;
      accepted.push(p, entryLength);
      entries++;
      extentsEnd = extentOffset + added.extentLength;
    }
    p = entryEnd;
  }
  return result(null);
}

/** Entries from `p` on that frame and pass their CRC: what a datafile that lost its tail, or all of it, lost. */
export function countEntries(journal: Uint8Array, p: number): number {
  const view = viewOf(journal);
  let n = 0;
  while (journal.length - p >= 4) {
    const length = view.getUint32(p, true);
    if (length < MIN_JOURNAL_ENTRY_BYTES || length > journal.length - p) break;
    if (view.getUint32(p + length - 4, true) === crc32c(journal, p, p + length - 4)) n++;
    p += length;
  }
  return n;
}
