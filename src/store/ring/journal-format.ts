import { crc32c } from './crc32c.js';
import { EXTENT_PREFIX_BYTES, PAGE_DESCRIPTOR_BYTES } from './extent-format.js';
import { viewOf } from './le-bytes.js';

/**
 * A journal entry describes one extent of the datafile (docs/format/journal.md):
 *
 *   entryLength u32 | extentOffset u32 | extent header (verbatim copy) | entryCrc u32
 *
 * entryLength counts the whole entry; the CRC covers everything before it.
 */
export const ENTRY_OVERHEAD = 12;
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
