import type { Logger } from '../../log/index.js';
import { scanDatafile } from './datafile-scan.js';
import { DatafileCorruptError } from './errors.js';
import { decodeFileHeader, encodeFileHeader, FILE_HEADER_BYTES, FORMAT_VERSION } from './file-header.js';
import type { FileNumber } from './file-number.js';
import { encodeJournalEntry, scanJournal } from './journal-format.js';
import type { PageTableBuilder } from './page-table.js';
import { RingFile } from './ring-file.js';
import type { RingFileHandle, RingIo } from './ring-io.js';

/** Counters of OpenStats that recovery adds to. */
export interface RecoveryCounters {
  journalEntriesSkipped: number;
  journalTailsTruncated: number;
  journalsRebuilt: number;
  extentsRecovered: number;
  datafileTailsTruncated: number;
  datafilesDropped: number;
  /** Extents indexed, from journals and datafile scans. */
  extents: number;
}

export interface RecoveryContext {
  readonly io: RingIo;
  readonly dir: string;
  readonly tier: number;
  readonly logger: Logger;
  readonly counters: RecoveryCounters;
  readonly into: PageTableBuilder;
}

/**
 * Brings one datafile and its journal to a consistent state and adds its pages to the index
 * (docs/format/journal.md, "Rebuild"). Returns null when the datafile was unusable and deleted.
 * `newest` is the file appends will continue: only there is an unverifiable datafile tail cut
 * off, because only there can it be a torn write (elsewhere it may hide good extents that a
 * better tool could still find, and it costs nothing to keep).
 */
export async function recoverFile(ctx: RecoveryContext, file: FileNumber, newest: boolean, journal: Promise<Uint8Array>): Promise<RingFile | null> {
  const ring = new RingFile(ctx.dir, file, 0, 0);
  const datafile = await ctx.io.open(ring.datafilePath, 'update');
  try {
    const size = await datafile.size();
    const headerBytes = new Uint8Array(FILE_HEADER_BYTES);
    const header = decodeFileHeader(headerBytes.subarray(0, await datafile.read(headerBytes, 0)), 'datafile');
    if (!header.ok || header.header.file !== file) {
      await dropFile(ctx, ring, header.ok ? `header names file ${header.header.file}` : header.reason);
      return null;
    }
    if (header.header.version !== FORMAT_VERSION || header.header.tier !== ctx.tier) {
      // Not corruption: a newer version or another tier's directory. Refuse rather than delete.
      throw new DatafileCorruptError(file, 0, `format version ${header.header.version} tier ${header.header.tier}, expected version ${FORMAT_VERSION} tier ${ctx.tier}`);
    }
    const firstPage = ctx.into.length;
    const journalEnd = await recoverJournal(ctx, ring, datafile, size, newest, journal);
    ring.bytes = journalEnd.datafileBytes;
    ring.journalBytes = journalEnd.journalBytes;
    const { minT, maxT } = ctx.into.timeRange(firstPage);
    ring.widenTimes(minT, maxT);
    return ring;
  } finally {
    await datafile.close().catch(() => undefined);
  }
}

async function recoverJournal(
  ctx: RecoveryContext,
  ring: RingFile,
  datafile: RingFileHandle,
  size: number,
  newest: boolean,
  reading: Promise<Uint8Array>,
): Promise<{ datafileBytes: number; journalBytes: number }> {
  const { counters, into, logger } = ctx;
  const journal = await checkJournal(ctx, ring, reading);
  const problems: string[] = [];
  let keepJournalBytes = FILE_HEADER_BYTES;
  let extentsEnd = FILE_HEADER_BYTES;
  if (journal.ok) {
    const scan = scanJournal(journal.bytes, ring.file, size, into);
    counters.journalEntriesSkipped += scan.skipped;
    counters.extents += scan.entries;
    if (scan.firstSkipReason !== null) problems.push(`${scan.skipped} journal entries skipped, first at ${scan.firstSkipReason}`);
    if (scan.tailReason !== null) {
      counters.journalTailsTruncated++;
      problems.push(`journal cut at ${scan.tailReason}`);
    }
    keepJournalBytes = scan.validEnd;
    extentsEnd = scan.extentsEnd;
  } else {
    counters.journalsRebuilt++;
    problems.push(`journal rebuilt from the datafile: ${journal.reason}`);
  }

  const tail = await scanDatafile(datafile, ring.file, extentsEnd, size, into);
  counters.extentsRecovered += tail.recovered.length;
  counters.extents += tail.recovered.length;
  if (tail.recovered.length > 0 && journal.ok) problems.push(`${tail.recovered.length} extents after the journal's last recovered from the datafile`);
  let datafileBytes = size;
  if (tail.tailReason !== null) {
    problems.push(`datafile ${newest ? 'cut' : 'unreadable'} at ${tail.tailReason}`);
    if (newest) {
      await datafile.truncate(tail.validEnd);
      datafileBytes = tail.validEnd;
      counters.datafileTailsTruncated++;
    }
  }

  const entries = tail.recovered.map((r) => encodeJournalEntry(r.header, r.header.length, r.extentOffset));
  let journalBytes = keepJournalBytes;
  if (!journal.ok || keepJournalBytes < journal.bytes.length || entries.length > 0) {
    journalBytes = await rewriteJournalTail(ctx, ring, journal.ok ? keepJournalBytes : null, entries);
  }
  if (problems.length > 0) logger.warn('store ring: repaired datafile on open', { dir: ctx.dir, file: ring.file, problems });
  return { datafileBytes, journalBytes };
}

type JournalRead = { readonly ok: true; readonly bytes: Uint8Array } | { readonly ok: false; readonly reason: string };

/** The journal is derived data: any problem with it as a whole means "rebuild it", never "drop the datafile". */
async function checkJournal(ctx: RecoveryContext, ring: RingFile, reading: Promise<Uint8Array>): Promise<JournalRead> {
  let bytes: Uint8Array;
  try {
    bytes = await reading;
  } catch (error) {
    return { ok: false, reason: (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : `unreadable (${String(error)})` };
  }
  const header = decodeFileHeader(bytes, 'journal');
  if (!header.ok) return { ok: false, reason: header.reason };
  const { file, version, tier } = header.header;
  if (file !== ring.file || version !== FORMAT_VERSION || tier !== ctx.tier) {
    return { ok: false, reason: `header says file ${file} version ${version} tier ${tier}` };
  }
  return { ok: true, bytes };
}

/** Cuts the journal at `keep` (or starts a new one when null) and appends `entries`; returns its new size. */
async function rewriteJournalTail(ctx: RecoveryContext, ring: RingFile, keep: number | null, entries: readonly Uint8Array[]): Promise<number> {
  let handle: RingFileHandle;
  let at: number;
  if (keep === null) {
    await ctx.io.unlink(ring.journalPath).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
    handle = await ctx.io.open(ring.journalPath, 'create');
    at = 0;
  } else {
    handle = await ctx.io.open(ring.journalPath, 'update');
    at = keep;
  }
  try {
    if (keep === null) {
      await handle.write(encodeFileHeader({ kind: 'journal', version: FORMAT_VERSION, tier: ctx.tier, file: ring.file, createdAtMs: Date.now() }), 0);
      at = FILE_HEADER_BYTES;
    } else {
      await handle.truncate(keep);
    }
    for (const entry of entries) {
      await handle.write(entry, at);
      at += entry.length;
    }
    return at;
  } finally {
    await handle.close();
  }
}

async function dropFile(ctx: RecoveryContext, ring: RingFile, reason: string): Promise<void> {
  ctx.counters.datafilesDropped++;
  ctx.logger.warn('store ring: deleting a datafile with an unusable header', { dir: ctx.dir, file: ring.file, reason });
  await ctx.io.unlink(ring.datafilePath);
  await ctx.io.unlink(ring.journalPath).catch(() => undefined);
}
