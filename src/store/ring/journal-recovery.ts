import type { BadRange, DatafileScan, RecoveredExtent } from './datafile-scan.js';
import { scanDatafile } from './datafile-scan.js';
import { FILE_HEADER_BYTES } from './file-header.js';
import type { RecoveryContext } from './recovery-context.js';
import { encodeJournalEntry } from './journal-format.js';
import { appendToJournal, replaceJournal } from './journal-rewrite.js';
import type { JournalScan } from './journal-scan.js';
import { scanJournal } from './journal-scan.js';
import type { RingFile } from './ring-file.js';
import type { RingFileHandle } from './ring-io.js';
import { widen } from './time-range.js';

export type JournalRead = { readonly ok: true; readonly bytes: Uint8Array } | { readonly ok: false; readonly reason: string };

/**
 * Indexes one datafile from its journal and repairs both (docs/format/journal.md, "Rebuild"):
 * the extents of damaged journal entries are found again in the datafile, extents after the
 * journal's last entry are added to it, and only what no file holds any more is lost — each
 * loss counted and logged once, with the file and offset, after which the journal no longer
 * refers to it. Returns the sizes the ring continues with.
 */
export async function recoverJournal(ctx: RecoveryContext, ring: RingFile, datafile: RingFileHandle, size: number, newest: boolean, journal: JournalRead): Promise<{ datafileBytes: number; journalBytes: number }> {
  const { counters, into } = ctx;
  const problems: string[] = [];
  const lose = (range: BadRange, extents: number): void => {
    counters.extentsLost += extents;
    ctx.logger.warn('store ring: lost extents', { dir: ctx.dir, file: ring.datafilePath, offset: range.offset, bytes: range.end - range.offset, extents, reason: range.reason });
  };
  let scan: JournalScan | null = null;
  if (journal.ok) {
    scan = scanJournal(journal.bytes, ring.file, size, into);
    widen(ring, scan.times);
    counters.journalEntriesSkipped += scan.skipped;
    counters.extents += scan.entries;
    if (scan.firstSkipReason !== null) problems.push(`${scan.skipped} journal entries skipped, first at ${scan.firstSkipReason}`);
    if (scan.tailReason !== null) {
      counters.journalTailsTruncated++;
      problems.push(`journal cut at ${scan.tailReason}`);
    }
    // In the newest file that is an append whose extent did not reach the disk before a crash:
    // the WAL still holds its samples. Elsewhere the datafile lost its tail.
    if (scan.pastEnd !== null && !newest) lose({ offset: scan.pastEnd.extentOffset, end: size, reason: 'the datafile ends before the extents its journal lists' }, scan.pastEnd.entries);
  } else {
    counters.journalsRebuilt++;
    problems.push(`journal rebuilt from the datafile: ${journal.reason}`);
  }

  // Where damaged entries pointed: the extents are found again in the datafile, or lost.
  const found: RecoveredExtent[] = [];
  for (const gap of scan?.gaps ?? []) {
    const g = await scanDatafile(datafile, ring.file, gap.from, gap.to, into);
    account(ctx, ring, g, gap.skipped, lose);
    found.push(...g.recovered);
  }

  const extentsEnd = scan?.extentsEnd ?? FILE_HEADER_BYTES;
  const tail = await scanDatafile(datafile, ring.file, extentsEnd, size, into);
  // The torn tail of the newest file is an append a crash interrupted (the WAL holds it); the
  // bytes of extents already counted as past the end are not counted again.
  const counted = newest || (scan?.pastEnd !== null && scan?.pastEnd !== undefined && tail.tail !== null && tail.tail.offset >= scan.pastEnd.extentOffset);
  const tailBad = account(ctx, ring, tail, scan?.skippedAtEnd ?? 0, lose, counted ? 'torn' : 'lost');
  if (tail.recovered.length > 0 && journal.ok) problems.push(`${tail.recovered.length} extents after the journal's last recovered from the datafile`);
  let datafileBytes = size;
  if (tail.tail !== null) {
    // Nothing readable is cut: the scan found no valid extent anywhere in these bytes. Cutting
    // them is also what keeps a loss counted once (the next open would find them again).
    problems.push(`datafile cut at offset ${tail.tail.offset}: ${tail.tail.reason}`);
    await datafile.truncate(tail.validEnd).then(
      () => {
        datafileBytes = tail.validEnd;
        counters.datafileTailsTruncated++;
      },
      (error: unknown) => cannotRepair(ctx, ring, 'cut the unreadable tail of', error),
    );
  }
  counters.extentsRecovered += found.length + tail.recovered.length;
  if (problems.length > 0 || tailBad > 0) ctx.logger.warn('store ring: repaired datafile on open', { dir: ctx.dir, file: ring.file, problems });

  try {
    return { datafileBytes, journalBytes: await writeJournal(ctx, ring, journal, scan, found, tail.recovered, newest) };
  } catch (error) {
    // A full disk: the pages are indexed all the same; the journal is repaired at the next open.
    cannotRepair(ctx, ring, 'write the repaired journal of', error);
    return { datafileBytes, journalBytes: journal.ok ? journal.bytes.length : 0 };
  }
}

/** Brings the journal in line with what was indexed; returns its size. */
async function writeJournal(ctx: RecoveryContext, ring: RingFile, journal: JournalRead, scan: JournalScan | null, found: readonly RecoveredExtent[], tail: readonly RecoveredExtent[], newest: boolean): Promise<number> {
  const entryOf = (r: RecoveredExtent): Uint8Array => encodeJournalEntry(r.header, r.header.length, r.extentOffset);
  if (!journal.ok || scan === null) return replaceJournal(ctx.io, ring, ctx.tier, null, tail.map(entryOf));
  if (found.length > 0 || scan.skipped > 0 || (scan.pastEnd !== null && !newest)) {
    // Entries go between others, or damaged ones go away: the journal is written anew.
    const entries = mergeEntries(journal.bytes, scan.accepted, found.map((r) => ({ at: r.extentOffset, entry: entryOf(r) })));
    entries.push(...tail.map(entryOf));
    return replaceJournal(ctx.io, ring, ctx.tier, journal.bytes.subarray(0, FILE_HEADER_BYTES), entries);
  }
  if (scan.validEnd < journal.bytes.length || tail.length > 0) return appendToJournal(ctx.io, ring, scan.validEnd, tail.map(entryOf));
  return scan.validEnd;
}

/** Appends never continue in a file whose repair could not be written (its journal and datafile may disagree). */
function cannotRepair(ctx: RecoveryContext, ring: RingFile, what: string, error: unknown): void {
  ring.appendable = false;
  ctx.logger.warn(`store ring: cannot ${what} a datafile; retried at the next open`, { dir: ctx.dir, file: ring.datafilePath, error: String(error) });
}

/**
 * What a datafile scan over the room of `skipped` damaged entries found: entries repaired (the
 * extent is back), bad ranges lost — or, for the tail of the newest file, torn and cut. Returns
 * the bad ranges seen.
 */
function account(ctx: RecoveryContext, ring: RingFile, scan: DatafileScan, skipped: number, lose: (r: BadRange, extents: number) => void, tail: 'torn' | 'lost' = 'lost'): number {
  widen(ring, scan.times);
  ctx.counters.extents += scan.recovered.length;
  ctx.counters.journalEntriesRepaired += Math.min(skipped, scan.recovered.length);
  for (const range of scan.damaged) lose(range, 1);
  if (scan.tail !== null && tail === 'lost') lose(scan.tail, 1);
  const bad = scan.damaged.length + (scan.tail !== null && tail === 'lost' ? 1 : 0);
  // Damaged entries whose extents were found neither whole nor as bad bytes: lost all the same.
  const unexplained = skipped - scan.recovered.length - bad;
  if (unexplained > 0) lose({ offset: scan.validEnd, end: scan.validEnd, reason: `${unexplained} damaged journal entries whose extents are not in the datafile` }, unexplained);
  return bad;
}

/** The accepted entries (copied from the journal) and the found ones, in datafile order. */
function mergeEntries(journal: Uint8Array, accepted: readonly number[], found: readonly { at: number; entry: Uint8Array }[]): Uint8Array[] {
  const view = new DataView(journal.buffer, journal.byteOffset, journal.byteLength);
  const out: Uint8Array[] = [];
  let f = 0;
  for (let i = 0; i < accepted.length; i += 2) {
    const at = accepted[i]!;
    const extentOffset = view.getUint32(at + 4, true);
    while (f < found.length && found[f]!.at < extentOffset) out.push(found[f++]!.entry);
    out.push(journal.subarray(at, at + accepted[i + 1]!));
  }
  while (f < found.length) out.push(found[f++]!.entry);
  return out;
}
