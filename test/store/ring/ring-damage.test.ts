// Damage costs only the damaged part (issue: damaged stores lose more than the damage): every
// loss counted once, with the file and offset; no repair deletes readable data.
import { cp, readdir, readFile, rename, rm, truncate, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../../src/errors/index.js';
import type { ReadLoss } from '../../../src/store/ring/index.js';
import { DatafileRing, ringFileName, toFileNumber } from '../../../src/store/ring/index.js';
import { datafileExtents, journalEntries } from '../../support/store-files.js';
import type { Appended } from './ring-fixture.js';
import { cleanStats, CountingCodec, expectAllReadable, expectPagesEqual, fill, NO_ANOMALIES, Rng, ringOptions, withTempDir } from './ring-fixture.js';

const datafileOf = (dir: string, n: number): string => join(dir, ringFileName(toFileNumber(n), 'datafile'));
const journalOf = (dir: string, n: number): string => join(dir, ringFileName(toFileNumber(n), 'journal'));
const SMALL = { datafileBytes: 2048 };

async function flip(path: string, offset: number): Promise<void> {
  const bytes = await readFile(path);
  bytes[offset]! ^= 0x5a;
  await writeFile(path, bytes);
}

/** A ring of several small datafiles, closed; returns what was appended. */
async function build(dir: string, seed: number, extents = 12, extra = {}): Promise<Appended[]> {
  const { ring } = await DatafileRing.open(ringOptions(dir, new CountingCodec(), { ...SMALL, ...extra }));
  const appended = await fill(ring, new Rng(seed), extents, 6);
  await ring.close();
  return appended;
}

async function reopen(dir: string, extra: object = {}) {
  const losses: ReadLoss[] = [];
  const opened = await DatafileRing.open(ringOptions(dir, new CountingCodec(), { ...SMALL, onReadLoss: (l: ReadLoss) => losses.push(l), ...extra }));
  return { ...opened, losses };
}

const extentsOf = (appended: readonly Appended[], file: number) => [...new Set(appended.filter((a) => a.location.file === file).map((a) => a.location.extentOffset))];

describe('deleting datafiles', () => {
  it('a deletion interrupted after its tombstone is finished on open, not counted as a loss', async () => {
    await withTempDir(async (dir) => {
      const appended = await build(dir, 1);
      // The state a crash leaves between renaming the journal and unlinking the datafile.
      await rename(journalOf(dir, 1), join(dir, '00000001.deleted'));
      const { ring, pages, stats } = await reopen(dir);
      expectPagesEqual(pages, appended.filter((a) => a.location.file !== 1));
      expect(cleanStats(stats)).toEqual({ ...NO_ANOMALIES, deletionsFinished: 1 });
      expect((await readdir(dir)).filter((n) => n.startsWith('00000001'))).toEqual([]);
      await ring.close();
    });
  });

  it('deleteOldest leaves neither journal nor tombstone, and the next open finds nothing to count', async () => {
    await withTempDir(async (dir) => {
      const appended = await build(dir, 2);
      const { ring } = await reopen(dir);
      expect((await ring.deleteOldest())?.file).toBe(1);
      expect(ring.pages.pageCount).toBe(appended.filter((a) => a.location.file !== 1).length);
      await ring.close();
      expect((await readdir(dir)).filter((n) => n.startsWith('00000001'))).toEqual([]);
      const again = await reopen(dir);
      expect(cleanStats(again.stats)).toEqual(NO_ANOMALIES);
      await again.ring.close();
    });
  });

  it('a datafile deleted by someone else: counted once as lost with the extents its journal listed', async () => {
    await withTempDir(async (dir) => {
      const appended = await build(dir, 3);
      await unlink(datafileOf(dir, 2));
      const { ring, pages, stats } = await reopen(dir);
      expectPagesEqual(pages, appended.filter((a) => a.location.file !== 2));
      expect(cleanStats(stats)).toEqual({ ...NO_ANOMALIES, datafilesLost: 1, orphanJournalsDeleted: 1 });
      await ring.close();
      const again = await reopen(dir);
      expect(cleanStats(again.stats)).toEqual(NO_ANOMALIES);
      await again.ring.close();
    });
  });
});

describe('damaged datafiles', () => {
  it('an older datafile cut short: the extents its journal lists past the end are counted as lost, once; the rest is kept', async () => {
    await withTempDir(async (dir) => {
      const appended = await build(dir, 4);
      const offsets = extentsOf(appended, 1);
      expect(offsets.length).toBeGreaterThanOrEqual(2);
      await truncate(datafileOf(dir, 1), offsets[1]! + 10);
      const { ring, pages, stats } = await reopen(dir);
      const kept = appended.filter((a) => a.location.file !== 1 || a.location.extentOffset === offsets[0]);
      expectPagesEqual(pages, kept);
      // Counted once each: the journal entries past the end (the cut extent's own bytes are not
      // counted again), and the unreadable bytes are cut so the next open finds nothing.
      expect(stats.extentsLost).toBe(offsets.length - 1);
      await expectAllReadable(ring, kept);
      await ring.close();
      const again = await reopen(dir);
      expect(cleanStats(again.stats)).toEqual(NO_ANOMALIES);
      await again.ring.close();
    });
  });

  it('a damaged extent in a datafile without journal: the extents after it are still found (the scan resynchronises)', async () => {
    await withTempDir(async (dir) => {
      const appended = await build(dir, 5, 4, { datafileBytes: 1 << 20 });
      const extents = datafileExtents(await readFile(datafileOf(dir, 1)));
      expect(extents.length).toBe(4);
      await flip(datafileOf(dir, 1), extents[1]!.offset + 2);
      await unlink(journalOf(dir, 1));
      const { ring, pages, stats } = await reopen(dir, { datafileBytes: 1 << 20 });
      const kept = appended.filter((a) => a.location.extentOffset !== extents[1]!.offset);
      expectPagesEqual(pages, kept);
      expect(cleanStats(stats)).toEqual({ ...NO_ANOMALIES, journalsRebuilt: 1, extentsRecovered: 3, extentsLost: 1 });
      await expectAllReadable(ring, kept);
      // Appends continue after the last extent: the damaged bytes in the middle are no torn tail.
      const [loc] = await ring.appendExtent([{ meta: { seriesRef: 1, minT: 1, maxT: 2, count: 1 }, bytes: new Uint8Array(8) }]);
      expect(loc!.extentOffset).toBe(extents[3]!.offset + extents[3]!.length);
      await ring.close();
      const again = await reopen(dir, { datafileBytes: 1 << 20 });
      expect(cleanStats(again.stats)).toEqual(NO_ANOMALIES);
      expect(again.pages.pageCount).toBe(kept.length + 1);
      await again.ring.close();
    });
  });

  it('a journal entry and its extent both damaged: that extent is lost and counted once, the journal no longer lists it', async () => {
    await withTempDir(async (dir) => {
      const appended = await build(dir, 6, 5, { datafileBytes: 1 << 20 });
      const entries = journalEntries(await readFile(journalOf(dir, 1)));
      const victim = entries[2]!;
      await flip(journalOf(dir, 1), victim.offset + 30);
      await flip(datafileOf(dir, 1), victim.extentOffset + 20);
      const { ring, pages, stats } = await reopen(dir, { datafileBytes: 1 << 20 });
      const kept = appended.filter((a) => a.location.extentOffset !== victim.extentOffset);
      expectPagesEqual(pages, kept);
      expect(cleanStats(stats)).toEqual({ ...NO_ANOMALIES, journalEntriesSkipped: 1, extentsLost: 1 });
      await ring.close();
      expect(journalEntries(await readFile(journalOf(dir, 1))).map((e) => e.extentOffset)).toEqual(entries.filter((e) => e !== victim).map((e) => e.extentOffset));
      const again = await reopen(dir, { datafileBytes: 1 << 20 });
      expect(cleanStats(again.stats)).toEqual(NO_ANOMALIES);
      expectPagesEqual(again.pages, kept);
      await again.ring.close();
    });
  });
});

describe('damage found by reads', () => {
  it('an extent that fails its CRC on read is reported once, however often it is read, then left out of the index', async () => {
    await withTempDir(async (dir) => {
      const appended = await build(dir, 7, 4, { datafileBytes: 1 << 20 });
      const victim = appended.filter((a) => a.location.extentOffset === appended[0]!.location.extentOffset);
      await flip(datafileOf(dir, 1), victim[0]!.location.extentOffset + victim[0]!.location.extentLength - 10);
      const { ring, pages, losses } = await reopen(dir, { datafileBytes: 1 << 20 });
      const reads = await Promise.allSettled([...victim, ...victim].map((a) => ring.readPage(a.location)));
      expect(reads.every((r) => r.status === 'rejected' && (r.reason as { code: string }).code === ErrorCodes.DATAFILE_CORRUPT)).toBe(true);
      expect(losses).toEqual([{ part: 'extent', file: datafileOf(dir, 1), offset: victim[0]!.location.extentOffset, pages: 0, reason: expect.any(String) }]);
      for (const a of victim) expect(pages.overlapping(a.meta.seriesRef, -Infinity, Infinity)).not.toContainEqual(a.location);
      await ring.readPage(victim[0]!.location).catch(() => undefined);
      expect(losses.length).toBe(1);
      await expectAllReadable(ring, appended.filter((a) => !victim.includes(a)));
      await ring.close();
    });
  });

  it('a datafile deleted from under a running ring: reported once as a lost datafile, its pages leave the index', async () => {
    await withTempDir(async (dir) => {
      const appended = await build(dir, 8);
      const { ring, pages, losses } = await reopen(dir);
      await unlink(datafileOf(dir, 1));
      const onFile1 = appended.filter((a) => a.location.file === 1);
      await Promise.allSettled(onFile1.map((a) => ring.readPage(a.location)));
      expect(losses).toEqual([{ part: 'datafile', file: datafileOf(dir, 1), offset: 0, pages: onFile1.length, reason: expect.any(String) }]);
      expectPagesEqual(pages, appended.filter((a) => a.location.file !== 1));
      expect(ring.files().map((f) => f.file)).not.toContain(1);
      await ring.close();
      const again = await reopen(dir);
      expect(cleanStats(again.stats)).toEqual(NO_ANOMALIES);
      await again.ring.close();
    });
  });
});

describe('copies for inspection', () => {
  it('leaves no temporary file behind after repairs', async () => {
    await withTempDir(async (base) => {
      const dir = join(base, 'r');
      await build(dir, 9, 5, { datafileBytes: 1 << 20 });
      const copy = join(base, 'copy');
      await cp(dir, copy, { recursive: true });
      await flip(journalOf(copy, 1), 32 + 30);
      const { ring } = await reopen(copy, { datafileBytes: 1 << 20 });
      await ring.close();
      expect((await readdir(copy)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
      await rm(copy, { recursive: true });
    });
  });
});
