import { DatafileCorruptError } from './errors.js';
import type { FileHeader } from './file-header.js';
import { decodeFileHeader, encodeFileHeader, FILE_HEADER_BYTES, FORMAT_VERSION } from './file-header.js';
import type { FileNumber } from './file-number.js';
import type { JournalRead } from './journal-recovery.js';
import { recoverJournal } from './journal-recovery.js';
import { countEntries } from './journal-scan.js';
import type { RecoveryContext } from './recovery-context.js';
import { RingFile } from './ring-file.js';
import type { RingFileHandle } from './ring-io.js';

/**
 * Brings one datafile and its journal to a consistent state and indexes its pages
 * (docs/format/journal.md, "Rebuild"). `newest` is the file appends will continue: only there
 * is an unverifiable datafile tail cut off, because only there can it be a torn write.
 * A damaged datafile header is written again (the extents after it carry their own CRCs);
 * only a file too short to hold any extent is deleted. Returns null then.
 */
export async function recoverFile(ctx: RecoveryContext, file: FileNumber, newest: boolean, reading: Promise<Uint8Array>): Promise<RingFile | null> {
  const ring = new RingFile(ctx.dir, file, 0, 0);
  const datafile = await ctx.io.open(ring.datafilePath, 'update');
  try {
    const size = await datafile.size();
    const headerBytes = new Uint8Array(FILE_HEADER_BYTES);
    const header = decodeFileHeader(headerBytes.subarray(0, await datafile.read(headerBytes, 0)), 'datafile');
    if (header.ok && header.header.file === file) refuseForeign(file, 'datafile', header.header, ctx.tier);
    const journal = await readJournal(ctx, ring, reading);
    if (!header.ok || header.header.file !== file) {
      const reason = header.ok ? `header names file ${header.header.file}` : header.reason;
      if (journal.header !== null) refuseForeign(file, 'journal', journal.header, ctx.tier);
      if (size <= FILE_HEADER_BYTES) {
        await dropFile(ctx, ring, reason, journal);
        return null;
      }
      await repairHeader(ctx, ring, datafile, reason, journal.header?.createdAtMs ?? Date.now());
    }
    const sizes = await recoverJournal(ctx, ring, datafile, size, newest, journal.read);
    ring.bytes = sizes.datafileBytes;
    ring.journalBytes = sizes.journalBytes;
    return ring;
  } finally {
    await datafile.close().catch(() => undefined);
  }
}

/** A well-formed header of another version or tier is not damage: refuse rather than rewrite or delete. */
function refuseForeign(file: FileNumber, kind: 'datafile' | 'journal', header: FileHeader, tier: number): void {
  if (header.version === FORMAT_VERSION && header.tier === tier) return;
  throw new DatafileCorruptError(
    file,
    0,
    `${kind} format version ${header.version} tier ${header.tier}, expected version ${FORMAT_VERSION} tier ${tier}: run the cairn version that wrote it, or move this tier's directory aside`,
  );
}

/** The journal's bytes, or why it must be rebuilt; and its header when that is well-formed. */
async function readJournal(ctx: RecoveryContext, ring: RingFile, reading: Promise<Uint8Array>): Promise<{ read: JournalRead; header: FileHeader | null }> {
  let bytes: Uint8Array;
  try {
    bytes = await reading;
  } catch (error) {
    return { read: { ok: false, reason: (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : `unreadable (${String(error)})` }, header: null };
  }
  const decoded = decodeFileHeader(bytes, 'journal');
  if (!decoded.ok) return { read: { ok: false, reason: decoded.reason }, header: null };
  const { file, version, tier } = decoded.header;
  const header = file === ring.file ? decoded.header : null;
  // The journal is derived data: any problem with it as a whole means "rebuild it".
  if (file !== ring.file || version !== FORMAT_VERSION || tier !== ctx.tier) return { read: { ok: false, reason: `header says file ${file} version ${version} tier ${tier}` }, header };
  return { read: { ok: true, bytes }, header };
}

/** Writes the header again in place (no new space needed); appends do not resume in a file whose header could not be written. */
async function repairHeader(ctx: RecoveryContext, ring: RingFile, datafile: RingFileHandle, reason: string, createdAtMs: number): Promise<void> {
  const header = encodeFileHeader({ kind: 'datafile', version: FORMAT_VERSION, tier: ctx.tier, file: ring.file, createdAtMs });
  try {
    await datafile.write(header, 0);
    ctx.counters.datafileHeadersRepaired++;
    ctx.logger.warn('store ring: rewrote a damaged datafile header', { dir: ctx.dir, file: ring.datafilePath, offset: 0, reason });
  } catch (error) {
    ring.appendable = false;
    ctx.logger.warn('store ring: cannot rewrite a damaged datafile header; its extents are read all the same', { dir: ctx.dir, file: ring.datafilePath, offset: 0, reason, error: String(error) });
  }
}

/** A datafile too short to hold an extent: a crash while it was created, or a file cut to nothing (then its journal says what was lost). */
async function dropFile(ctx: RecoveryContext, ring: RingFile, reason: string, journal: { read: JournalRead }): Promise<void> {
  ctx.counters.datafilesDropped++;
  const lost = journal.read.ok ? countEntries(journal.read.bytes, FILE_HEADER_BYTES) : 0;
  if (lost > 0) {
    ctx.counters.datafilesLost++;
    ctx.logger.warn('store ring: lost extents', { dir: ctx.dir, file: ring.datafilePath, offset: 0, extents: lost, reason: `the datafile holds no extent (${reason}) while its journal lists ${lost}` });
  } else ctx.logger.warn('store ring: deleting a datafile too short to hold an extent', { dir: ctx.dir, file: ring.file, reason });
  await ctx.io.unlink(ring.datafilePath);
  await ctx.io.unlink(ring.journalPath).catch(() => undefined);
}
