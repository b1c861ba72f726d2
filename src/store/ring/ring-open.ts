import { join } from 'node:path';
import type { Logger } from '../../log/index.js';
import { PAGE_DESCRIPTOR_BYTES } from './extent-format.js';
import { FILE_HEADER_BYTES } from './file-header.js';
import type { FileNumber } from './file-number.js';
import { parseRingFileName, ringFileName } from './file-number.js';
import type { RecoveryContext, RecoveryCounters } from './recovery-context.js';
import { recoverFile } from './file-recovery.js';
import { PageIndex } from './page-index.js';
import type { RingFile } from './ring-file.js';
import { JournalBuffers } from './journal-buffers.js';
import type { RingIo } from './ring-io.js';
import { dropOrphanJournals, finishDeletions } from './ring-leftovers.js';
import type { OpenStats } from './types.js';

export interface OpenedRing {
  /** Oldest first; the last one is where appends continue. */
  readonly files: RingFile[];
  readonly pages: PageIndex;
  readonly stats: OpenStats;
  /** One past the highest number seen, dropped files included, so no number is ever reused. */
  readonly nextFile: number;
  /**
   * Whether appends may continue in the last file. Not when the newest datafile was dropped
   * (the one before it kept any unverifiable tail, and extents written after such a tail could
   * not be found again by a datafile scan), nor when its repair could not be written.
   */
  readonly resumeLast: boolean;
}

/**
 * Lists the ring directory and recovers every datafile, oldest first, rebuilding the page index
 * from the journals (docs/format/journal.md, "Rebuild").
 */
export async function openRingFiles(io: RingIo, dir: string, tier: number, logger: Logger): Promise<OpenedRing> {
  const started = performance.now();
  await io.mkdir(dir);
  const names = await io.list(dir);
  const finished = await finishDeletions(io, dir, names);
  const found = new Map<FileNumber, { datafile: boolean; journal: boolean }>();
  for (const name of names) {
    const parsed = parseRingFileName(name);
    if (parsed === null || finished.has(parsed.file)) continue;
    const entry = found.get(parsed.file) ?? { datafile: false, journal: false };
    entry[parsed.kind] = true;
    found.set(parsed.file, entry);
  }
  const numbers = [...found.keys()].sort((a, b) => a - b);
  const withDatafile = numbers.filter((n) => found.get(n)?.datafile === true);
  const orphans = await dropOrphanJournals(
    io,
    dir,
    numbers.filter((n) => found.get(n)?.datafile !== true),
    logger,
  );
  const counters: RecoveryCounters = {
    journalEntriesSkipped: 0,
    journalEntriesRepaired: 0,
    journalTailsTruncated: 0,
    journalsRebuilt: 0,
    extentsRecovered: 0,
    datafileTailsTruncated: 0,
    datafileHeadersRepaired: 0,
    datafilesDropped: 0,
    extentsLost: 0,
    datafilesLost: orphans.datafilesLost,
    extents: 0,
  };
  const sizes = await journalSizes(io, dir, numbers);
  const into = new PageIndex(estimatePages(sizes));
  const buffers = new JournalBuffers(io, sizes.reduce((a, b) => Math.max(a, b), 0));
  const ctx: RecoveryContext = { io, dir, tier, logger, counters, into };
  const newest = withDatafile[withDatafile.length - 1];
  // Reading the next journal while this one is parsed hides most of the I/O of a cold start.
  const readAhead = (i: number): Promise<Uint8Array> | null => {
    const file = withDatafile[i];
    if (file === undefined) return null;
    const reading = buffers.read(join(dir, ringFileName(file, 'journal')), i % 2);
    reading.catch(() => undefined); // handled in recoverFile; this only keeps it from counting as unhandled meanwhile
    return reading;
  };
  const files: RingFile[] = [];
  let next = readAhead(0);
  for (const [i, file] of withDatafile.entries()) {
    const journal = next!;
    next = readAhead(i + 1);
    const recovered = await recoverFile(ctx, file, file === newest, journal);
    if (recovered !== null) files.push(recovered);
  }
  const stats: OpenStats = {
    datafiles: files.length,
    pages: into.pageCount,
    ...counters,
    orphanJournalsDeleted: orphans.datafilesLost,
    deletionsFinished: finished.size,
    durationMs: performance.now() - started,
  };
  logger.info('store ring: opened', { dir, ...stats, durationMs: Math.round(stats.durationMs) });
  const highest = Math.max(numbers[numbers.length - 1] ?? 0, ...finished);
  const last = files[files.length - 1];
  return { files, pages: into, stats, nextFile: highest + 1, resumeLast: last !== undefined && last.file === newest && last.appendable };
}

async function journalSizes(io: RingIo, dir: string, numbers: readonly FileNumber[]): Promise<number[]> {
  return Promise.all(numbers.map((file) => io.fileSize(join(dir, ringFileName(file, 'journal'))).catch(() => 0)));
}

/** An upper bound from the journal sizes (every page takes 28 bytes of a journal), so the index never grows while parsing. */
function estimatePages(sizes: readonly number[]): number {
  const bytes = sizes.reduce((sum, size) => sum + Math.max(0, size - FILE_HEADER_BYTES), 0);
  return Math.floor(bytes / PAGE_DESCRIPTOR_BYTES) + 1024;
}
