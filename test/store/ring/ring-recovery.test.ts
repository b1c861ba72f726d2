// Opening a ring that a crash or a bad disk damaged: torn tails, flipped bytes, missing journals.
import { cp, readFile, rm, truncate, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../../src/errors/index.js';
import { DatafileRing, ringFileName, toFileNumber } from '../../../src/store/ring/index.js';
import type { Appended } from './ring-fixture.js';
import { cleanStats, CountingCodec, expectAllReadable, expectPagesEqual, fill, NO_ANOMALIES, Rng, ringOptions, withTempDir } from './ring-fixture.js';

const FILE_1 = toFileNumber(1);
const datafileOf = (dir: string, n = FILE_1): string => join(dir, ringFileName(n, 'datafile'));
const journalOf = (dir: string, n = FILE_1): string => join(dir, ringFileName(n, 'journal'));

/** Entry start offsets of a journal, read with nothing but the spec: u32 LE lengths after a 32-byte header. */
async function journalEntries(path: string): Promise<{ start: number; end: number }[]> {
  const bytes = await readFile(path);
  const entries: { start: number; end: number }[] = [];
  for (let p = 32; p < bytes.length; p += bytes.readUInt32LE(p)) entries.push({ start: p, end: p + bytes.readUInt32LE(p) });
  return entries;
}

async function flipByte(path: string, offset: number): Promise<void> {
  const bytes = await readFile(path);
  bytes[offset]! ^= 0x5a;
  await writeFile(path, bytes);
}

/** One datafile of `extents` extents, closed; returns what was appended. */
async function buildRing(dir: string, extents: number, seed: number, maxPages = 4): Promise<Appended[]> {
  const { ring } = await DatafileRing.open(ringOptions(dir, new CountingCodec(), { datafileBytes: 1 << 20 }));
  const appended = await fill(ring, new Rng(seed), extents, maxPages);
  await ring.close();
  return appended;
}

function extentOf(appended: readonly Appended[], index: number): Appended[] {
  const offsets = [...new Set(appended.map((a) => a.location.extentOffset))];
  return appended.filter((a) => a.location.extentOffset === offsets[index]);
}

async function reopen(dir: string, extra = {}) {
  const codec = new CountingCodec();
  const opened = await DatafileRing.open(ringOptions(dir, codec, { datafileBytes: 1 << 20, ...extra }));
  expect(codec.decompressCalls).toBe(0);
  return { ...opened, codec };
}

describe('DatafileRing open: journal damage', () => {
  it('keeps earlier pages and recovers the extent from the datafile, whatever byte the journal tail was torn at', async () => {
    await withTempDir(async (base) => {
      const source = join(base, 'source');
      const appended = await buildRing(source, 6, 30);
      const original = await readFile(journalOf(source));
      const last = (await journalEntries(journalOf(source))).pop()!;
      for (let cut = last.start; cut < last.end; cut++) {
        const dir = join(base, `cut-${cut}`);
        await cp(source, dir, { recursive: true });
        await truncate(journalOf(dir), cut);
        const { ring, pages, stats } = await reopen(dir);
        expectPagesEqual(pages, appended);
        expect(cleanStats(stats)).toEqual({ ...NO_ANOMALIES, journalTailsTruncated: cut > last.start ? 1 : 0, extentsRecovered: 1 });
        expect(await readFile(journalOf(dir))).toEqual(original);
        await ring.close();
        await rm(dir, { recursive: true });
      }
    });
  });

  it('drops only the torn extent when the datafile tail is torn too, and appends resume after it', async () => {
    await withTempDir(async (base) => {
      const source = join(base, 'source');
      const appended = await buildRing(source, 5, 31);
      const lastExtent = extentOf(appended, 4);
      const earlier = appended.slice(0, appended.length - lastExtent.length);
      const { extentOffset, extentLength } = lastExtent[0]!.location;
      const last = (await journalEntries(journalOf(source))).pop()!;
      for (const dataCut of [extentOffset + 1, extentOffset + 20, extentOffset + extentLength - 1]) {
        for (const journalCut of [last.start, last.start + 7, last.end - 1]) {
          const dir = join(base, `cut-${dataCut}-${journalCut}`);
          await cp(source, dir, { recursive: true });
          await truncate(datafileOf(dir), dataCut);
          await truncate(journalOf(dir), journalCut);
          const { ring, pages, stats } = await reopen(dir);
          expectPagesEqual(pages, earlier);
          expect(stats).toMatchObject({ datafileTailsTruncated: 1, journalTailsTruncated: journalCut > last.start ? 1 : 0, extentsRecovered: 0 });
          expect(ring.files()[0]!.bytes).toBe(extentOffset);
          const more = await fill(ring, new Rng(32), 2);
          expect(more[0]!.location.extentOffset).toBe(extentOffset);
          await ring.close();
          const again = await reopen(dir);
          expectPagesEqual(again.pages, [...earlier, ...more]);
          expect(cleanStats(again.stats)).toEqual(NO_ANOMALIES);
          await expectAllReadable(again.ring, [...earlier, ...more]);
          await again.ring.close();
          await rm(dir, { recursive: true });
        }
      }
    });
  });

  it('a middle journal entry with a flipped byte: its extent is found again in the datafile, nothing is lost, the journal is whole again', async () => {
    await withTempDir(async (base) => {
      const source = join(base, 'source');
      const appended = await buildRing(source, 5, 33);
      const entry = (await journalEntries(journalOf(source)))[2]!;
      for (let at = entry.start; at < entry.end; at++) {
        const dir = join(base, `flip-${at}`);
        await cp(source, dir, { recursive: true });
        await flipByte(journalOf(dir), at);
        const { ring, pages, stats } = await reopen(dir);
        if (at < entry.start + 4) {
          // The length itself is damaged: the journal cannot be framed from here, so it is cut and
          // the datafile, whose extents are intact, is scanned instead. Nothing is lost.
          expectPagesEqual(pages, appended);
          expect(stats).toMatchObject({ journalTailsTruncated: 1, extentsRecovered: 3 });
        } else {
          expectPagesEqual(pages, appended);
          expect(cleanStats(stats)).toEqual({ ...NO_ANOMALIES, journalEntriesSkipped: 1, journalEntriesRepaired: 1, extentsRecovered: 1 });
        }
        await ring.close();
        expect(await readFile(journalOf(dir))).toEqual(await readFile(journalOf(source)));
        await rm(dir, { recursive: true });
      }
    });
  });

  it('rebuilds a missing journal from the datafile without decompressing, byte for byte', async () => {
    await withTempDir(async (dir) => {
      const appended = await buildRing(dir, 8, 34);
      const original = await readFile(journalOf(dir));
      await unlink(journalOf(dir));
      const { ring, pages, stats } = await reopen(dir);
      expectPagesEqual(pages, appended);
      expect(cleanStats(stats)).toEqual({ ...NO_ANOMALIES, journalsRebuilt: 1, extentsRecovered: 8 });
      // Only the creation time in the header differs.
      expect((await readFile(journalOf(dir))).subarray(32)).toEqual(original.subarray(32));
      await expectAllReadable(ring, appended);
      await ring.close();
      const again = await reopen(dir);
      expect(cleanStats(again.stats)).toEqual(NO_ANOMALIES);
      await again.ring.close();
    });
  });

  it('rebuilds a journal whose header is damaged', async () => {
    await withTempDir(async (dir) => {
      const appended = await buildRing(dir, 3, 35);
      await flipByte(journalOf(dir), 9);
      const { ring, pages, stats } = await reopen(dir);
      expectPagesEqual(pages, appended);
      expect(stats.journalsRebuilt).toBe(1);
      await ring.close();
    });
  });

  it('cuts journal entries that point past the end of a datafile that lost its tail', async () => {
    await withTempDir(async (dir) => {
      const appended = await buildRing(dir, 5, 36);
      const kept = appended.filter((a) => a.location.extentOffset < extentOf(appended, 3)[0]!.location.extentOffset);
      await truncate(datafileOf(dir), extentOf(appended, 3)[0]!.location.extentOffset);
      const { ring, pages, stats } = await reopen(dir);
      expectPagesEqual(pages, kept);
      expect(stats).toMatchObject({ journalTailsTruncated: 1, journalEntriesSkipped: 0 });
      // New extents take the lost ones' place; the stale entries must not shadow them on the next open.
      const more = await fill(ring, new Rng(37), 4);
      await ring.close();
      const again = await reopen(dir);
      expectPagesEqual(again.pages, [...kept, ...more]);
      expect(cleanStats(again.stats)).toEqual(NO_ANOMALIES);
      await again.ring.close();
    });
  });

  it('deletes a journal whose datafile is gone', async () => {
    await withTempDir(async (dir) => {
      const { ring } = await DatafileRing.open(ringOptions(dir, new CountingCodec(), { datafileBytes: 2048 }));
      const appended = await fill(ring, new Rng(38), 12, 6);
      await ring.close();
      await unlink(datafileOf(dir));
      const { ring: reopened, pages, stats } = await reopen(dir, { datafileBytes: 2048 });
      expectPagesEqual(pages, appended.filter((a) => a.location.file !== 1));
      expect(stats.orphanJournalsDeleted).toBe(1);
      await expect(readFile(journalOf(dir))).rejects.toMatchObject({ code: 'ENOENT' });
      await reopened.close();
    });
  });
});

describe('DatafileRing open: datafile damage', () => {
  it('rejects a read of an extent with a flipped byte with DATAFILE_CORRUPT (file and offset); other extents still read', async () => {
    await withTempDir(async (dir) => {
      const appended = await buildRing(dir, 4, 40);
      const victim = extentOf(appended, 1);
      const { extentOffset, extentLength } = victim[0]!.location;
      const others = appended.filter((a) => !victim.includes(a));
      // Header, page table, header CRC, payload, payload CRC.
      for (const at of [extentOffset + 1, extentOffset + 20, extentOffset + extentLength - 20, extentOffset + extentLength - 2]) {
        await flipByte(datafileOf(dir), at);
        const { ring, pages, stats } = await reopen(dir);
        expect(cleanStats(stats)).toEqual(NO_ANOMALIES);
        expect(pages.pageCount).toBe(appended.length);
        for (const page of victim) {
          await expect(ring.readPage(page.location)).rejects.toMatchObject({ code: ErrorCodes.DATAFILE_CORRUPT, file: 1, offset: extentOffset });
        }
        await expectAllReadable(ring, others);
        await ring.close();
        await flipByte(datafileOf(dir), at);
      }
    });
  });

  it('writes a damaged datafile header again and keeps every extent after it (any byte of the header)', async () => {
    await withTempDir(async (base) => {
      const source = join(base, 'source');
      const { ring } = await DatafileRing.open(ringOptions(source, new CountingCodec(), { datafileBytes: 2048 }));
      const appended = await fill(ring, new Rng(41), 12, 6);
      const newest = ring.files().at(-1)!.file;
      await ring.close();
      for (const file of [FILE_1, newest]) {
        for (let at = 0; at < 32; at += 3) {
          const dir = join(base, `header-${file}-${at}`);
          await cp(source, dir, { recursive: true });
          await flipByte(datafileOf(dir, file), at);
          const { ring: reopened, pages, stats } = await reopen(dir, { datafileBytes: 2048 });
          expectPagesEqual(pages, appended);
          expect(cleanStats(stats), `file ${file} byte ${at}`).toEqual({ ...NO_ANOMALIES, datafileHeadersRepaired: 1 });
          await expectAllReadable(reopened, appended);
          const [next] = await reopened.appendExtent([{ meta: { seriesRef: 1, minT: 1, maxT: 2, count: 1 }, bytes: new Uint8Array(8) }]);
          expect(next!.file).toBe(newest);
          await reopened.close();
          expect((await readFile(datafileOf(dir, file))).subarray(0, 8)).toEqual((await readFile(datafileOf(source, file))).subarray(0, 8));
          await rm(dir, { recursive: true });
        }
      }
    });
  });

  it('drops a datafile too short to hold an extent, counting the extents its journal listed as lost, and keeps numbering above it', async () => {
    await withTempDir(async (dir) => {
      const { ring } = await DatafileRing.open(ringOptions(dir, new CountingCodec(), { datafileBytes: 2048 }));
      const appended = await fill(ring, new Rng(41), 12, 6);
      const newest = ring.files().at(-1)!.file;
      await ring.close();
      const lostExtents = new Set(appended.filter((a) => a.location.file === newest).map((a) => a.location.extentOffset)).size;
      await truncate(datafileOf(dir, newest), 20);
      const { ring: reopened, pages, stats } = await reopen(dir, { datafileBytes: 2048 });
      expectPagesEqual(pages, appended.filter((a) => a.location.file !== newest));
      expect(lostExtents).toBeGreaterThan(0);
      expect(stats).toMatchObject({ datafilesDropped: 1, datafilesLost: 1, extentsLost: 0 });
      const [next] = await reopened.appendExtent([{ meta: { seriesRef: 1, minT: 1, maxT: 2, count: 1 }, bytes: new Uint8Array(8) }]);
      expect(next!.file).toBe(newest + 1);
      await reopened.close();
    });
  });

  it('refuses to open files of another tier instead of deleting them', async () => {
    await withTempDir(async (dir) => {
      await buildRing(dir, 2, 42);
      await expect(reopen(dir, { tier: 1 })).rejects.toMatchObject({ code: ErrorCodes.DATAFILE_CORRUPT });
      const { ring, pages } = await reopen(dir);
      expect(pages.pageCount).toBeGreaterThan(0);
      await ring.close();
    });
  });
});
