import { crc32c } from './crc32c.js';
import { addExtentPages, EXTENT_PREFIX_BYTES, PAGE_DESCRIPTOR_BYTES } from './extent-format.js';
import { FILE_HEADER_BYTES } from './file-header.js';
import type { FileNumber } from './file-number.js';
import { viewOf } from './le-bytes.js';
import type { PageTableBuilder } from './page-table.js';

/**
 * A journal entry describes one extent of the datafile (docs/format/journal.md):
 *
 *   entryLength u32 | extentOffset u32 | extent header (verbatim copy) | entryCrc u32
 *
 * entryLength counts the whole entry; the CRC covers everything before it.
 */
const ENTRY_OVERHEAD = 12;
export const MIN_JOURNAL_ENTRY_BYTES = ENTRY_OVERHEAD + EXTENT_PREFIX_BYTES + PAGE_DESCRIPTOR_BYTES;

/** The entry for an extent appended at `extentOffset`; `headerBytes` is the length of its header. */
export function encodeJournalEntry(extent: Uint8Array, headerBytes: number, extentOffset: number): Uint8Array {
  const entry = new Uint8Array(ENTRY_OVERHEAD + headerBytes);
  const view = viewOf(entry);
  view.setUint32(0, entry.length, true);
  view.setUint32(4, extentOffset, true);
  entry.set(extent.subarray(0, headerBytes), 8);
  view.setUint32(entry.length - 4, crc32c(entry, 0, entry.length - 4), true);
  return entry;
}

export interface JournalScan {
  /** Entries whose pages were added. */
  readonly entries: number;
  /** Entries skipped in the middle of the journal (CRC or content); the first reason is kept for the log. */
  readonly skipped: number;
  readonly firstSkipReason: string | null;
  /** Where the valid journal ends; bytes after it are a torn or unusable tail to cut off. */
  readonly validEnd: number;
  readonly tailReason: string | null;
  /** End of the last extent the journal describes (the datafile header's end if none): the datafile is scanned from here. */
  readonly extentsEnd: number;
}

/**
 * Adds the pages of every valid entry of a journal (header included in `journal`, already
 * checked) to `into`. A damaged last entry is a torn write; a damaged entry with more entries
 * after it is skipped. An entry that cannot be framed, or whose extent lies past the end of the
 * datafile (the datafile lost its tail while the journal kept it), ends the journal: nothing
 * after it can be trusted, and keeping it would mislead the next open once new extents fill
 * that space.
 */
export function scanJournal(journal: Uint8Array, file: FileNumber, datafileBytes: number, into: PageTableBuilder): JournalScan {
  const view = viewOf(journal);
  const end = journal.length;
  let entries = 0;
  let skipped = 0;
  let firstSkipReason: string | null = null;
  let extentsEnd = FILE_HEADER_BYTES;
  let p = FILE_HEADER_BYTES;
  const skip = (reason: string): void => {
    skipped++;
    firstSkipReason ??= `offset ${p}: ${reason}`;
  };
  const stop = (reason: string): JournalScan => ({ entries, skipped, firstSkipReason, validEnd: p, tailReason: `offset ${p}: ${reason}`, extentsEnd });

  while (p < end) {
    if (end - p < 4) return stop('entry length truncated');
    const entryLength = view.getUint32(p, true);
    const headerBytes = entryLength - ENTRY_OVERHEAD;
    if (entryLength < MIN_JOURNAL_ENTRY_BYTES || (headerBytes - EXTENT_PREFIX_BYTES) % PAGE_DESCRIPTOR_BYTES !== 0) {
      return stop(`entry length ${entryLength} impossible`);
    }
    if (entryLength > end - p) return stop(`entry of ${entryLength} bytes truncated at ${end - p}`);
    const entryEnd = p + entryLength;
    if (view.getUint32(entryEnd - 4, true) !== crc32c(journal, p, entryEnd - 4)) {
      if (entryEnd === end) return stop('last entry CRC mismatch');
      skip('entry CRC mismatch');
      p = entryEnd;
      continue;
    }
    const extentOffset = view.getUint32(p + 4, true);
    const mark = into.length;
    const added = addExtentPages(view, p + 8, headerBytes, file, extentOffset, into);
    if (!added.ok) {
      skip(added.reason);
    } else if (headerBytes !== EXTENT_PREFIX_BYTES + added.pageCount * PAGE_DESCRIPTOR_BYTES) {
      into.length = mark;
      skip(`entry length ${entryLength} disagrees with its ${added.pageCount} pages`);
    } else if (extentOffset + added.extentLength > datafileBytes) {
      into.length = mark;
      return stop(`extent ${extentOffset}+${added.extentLength} past the datafile end ${datafileBytes}`);
    } else if (extentOffset < extentsEnd) {
      into.length = mark;
      skip(`extent at ${extentOffset} overlaps the previous one (ending at ${extentsEnd})`);
    } else {
      entries++;
      extentsEnd = extentOffset + added.extentLength;
    }
    p = entryEnd;
  }
  return { entries, skipped, firstSkipReason, validEnd: p, tailReason: null, extentsEnd };
}
