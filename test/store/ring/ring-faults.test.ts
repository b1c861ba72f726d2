// Disk errors while appending (ENOSPC, EIO): the append fails with STORE_UNAVAILABLE, both files
// stay consistent, and appends work again once the disk does.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../../src/errors/index.js';
import { StoreUnavailableError } from '../../../src/store/errors.js';
import { DatafileRing } from '../../../src/store/ring/index.js';
import type { PageToAppend } from '../../../src/store/ring/index.js';
import type { Appended, FaultOp } from './ring-fixture.js';
import { cleanStats, CountingCodec, expectAllReadable, expectPagesEqual, FaultyIo, fill, makePages, NO_ANOMALIES, Rng, ringOptions, withTempDir } from './ring-fixture.js';

async function disk(dir: string): Promise<Record<string, number>> {
  const sizes: Record<string, number> = {};
  for (const name of (await readdir(dir)).sort()) sizes[name] = (await stat(join(dir, name))).size;
  return sizes;
}

async function expectCleanReopen(dir: string, appended: readonly Appended[], datafileBytes: number): Promise<void> {
  const codec = new CountingCodec();
  const { ring, pages, stats } = await DatafileRing.open(ringOptions(dir, codec, { datafileBytes }));
  expectPagesEqual(pages, appended);
  expect(cleanStats(stats)).toEqual(NO_ANOMALIES);
  await expectAllReadable(ring, appended);
  await ring.close();
}

describe('DatafileRing under disk errors', () => {
  const cases: { name: string; op: FaultOp; path: string; partialBytes?: number; code?: string }[] = [
    { name: 'datafile write fails before writing anything', op: 'write', path: '.cdf' },
    { name: 'datafile write fails halfway (ENOSPC)', op: 'write', path: '.cdf', partialBytes: 50 },
    { name: 'journal write fails after the extent was written', op: 'write', path: '.cjf' },
    { name: 'journal write fails halfway (EIO)', op: 'write', path: '.cjf', partialBytes: 9, code: 'EIO' },
  ];
  for (const c of cases) {
    it(`${c.name}: rejects STORE_UNAVAILABLE, cuts both files back, appends resume`, async () => {
      await withTempDir(async (dir) => {
        const io = new FaultyIo();
        const { ring } = await DatafileRing.open(ringOptions(dir, new CountingCodec(), { io, datafileBytes: 1 << 20 }));
        const rng = new Rng(50);
        const appended = await fill(ring, rng, 5);
        const before = await disk(dir);
        const sizeBefore = ring.sizeBytes();
        io.failNext(c.op, c.path, { partialBytes: c.partialBytes ?? 0, code: c.code ?? 'ENOSPC' });
        const failed = ring.appendExtent(makePages(rng, 7));
        await expect(failed).rejects.toBeInstanceOf(StoreUnavailableError);
        await expect(failed).rejects.toMatchObject({ code: ErrorCodes.STORE_UNAVAILABLE });
        expect(io.pendingFaults).toBe(0);
        expect(await disk(dir)).toEqual(before);
        expect(ring.sizeBytes()).toBe(sizeBefore);
        appended.push(...(await fill(ring, rng, 5)));
        await expectAllReadable(ring, appended);
        await ring.close();
        await expectCleanReopen(dir, appended, 1 << 20);
      });
    });
  }

  it('retries cutting back a failed append before the next one when the cut itself failed', async () => {
    await withTempDir(async (dir) => {
      const io = new FaultyIo();
      const { ring } = await DatafileRing.open(ringOptions(dir, new CountingCodec(), { io, datafileBytes: 1 << 20 }));
      const rng = new Rng(51);
      const appended = await fill(ring, rng, 3);
      const before = await disk(dir);
      io.failNext('write', '.cjf', { partialBytes: 5, code: 'EIO' });
      io.failNext('truncate', '.cjf', { code: 'EIO' });
      await expect(ring.appendExtent(makePages(rng, 3))).rejects.toMatchObject({ code: ErrorCodes.STORE_UNAVAILABLE });
      expect(await disk(dir)).not.toEqual(before);
      // Still failing: the next append must not write behind the junk.
      io.failNext('truncate', '.cjf', { code: 'EIO' });
      await expect(ring.appendExtent(makePages(rng, 3))).rejects.toMatchObject({ code: ErrorCodes.STORE_UNAVAILABLE });
      appended.push(...(await fill(ring, rng, 3)));
      await ring.close();
      await expectCleanReopen(dir, appended, 1 << 20);
    });
  });

  it('recovers on open from a failed append whose cut-back never happened (crash right after)', async () => {
    await withTempDir(async (dir) => {
      const io = new FaultyIo();
      const { ring } = await DatafileRing.open(ringOptions(dir, new CountingCodec(), { io, datafileBytes: 1 << 20 }));
      const rng = new Rng(52);
      const appended = await fill(ring, rng, 3);
      io.failNext('write', '.cdf', { partialBytes: 30, code: 'EIO' });
      io.failNext('truncate', '.cjf', { code: 'EIO', times: 2 });
      await expect(ring.appendExtent(makePages(rng, 3))).rejects.toMatchObject({ code: ErrorCodes.STORE_UNAVAILABLE });
      await ring.close();
      const { ring: reopened, pages, stats } = await DatafileRing.open(ringOptions(dir, new CountingCodec(), { datafileBytes: 1 << 20 }));
      expectPagesEqual(pages, appended);
      expect(stats.datafileTailsTruncated).toBe(1);
      await reopened.close();
    });
  });

  const rollFaults: { name: string; op: FaultOp; path: string; nextFile: number }[] = [
    { name: 'creating the next datafile', op: 'open', path: '00000002.cdf', nextFile: 3 },
    { name: 'writing the next journal header', op: 'write', path: '00000002.cjf', nextFile: 3 },
    { name: 'syncing the full datafile', op: 'datasync', path: '00000001.cdf', nextFile: 2 },
  ];
  for (const c of rollFaults) {
    it(`fails a roll-over cleanly when ${c.name} fails`, async () => {
      await withTempDir(async (dir) => {
        const io = new FaultyIo();
        // Identity codec and 1000-byte pages: extents of 1,053 bytes, three to a 4 KiB file.
        const identity = { compress: async (raw: Uint8Array) => raw.slice(), decompress: (b: Uint8Array) => b };
        const options = ringOptions(dir, new CountingCodec(), { io, datafileBytes: 4096, ...identity });
        const { ring } = await DatafileRing.open(options);
        const rng = new Rng(53);
        const page = (): PageToAppend[] => [{ meta: makePages(rng, 1)[0]!.meta, bytes: new Uint8Array(1000).fill(rng.int(0, 255)) }];
        const appended: Appended[] = [];
        const append = async (): Promise<void> => {
          const pages = page();
          const [location] = await ring.appendExtent(pages);
          appended.push({ ...pages[0]!, location: location! });
        };
        for (let i = 0; i < 3; i++) await append();
        expect(ring.files().map((f) => f.file)).toEqual([1]);
        const before = await disk(dir);
        io.failNext(c.op, c.path);
        await expect(ring.appendExtent(page())).rejects.toMatchObject({ code: ErrorCodes.STORE_UNAVAILABLE });
        expect(io.pendingFaults).toBe(0);
        expect(await disk(dir)).toEqual(before);
        expect(ring.files().map((f) => f.file)).toEqual([1]);
        await append();
        expect(appended[3]!.location.file).toBe(c.nextFile);
        await expectAllReadable(ring, appended);
        await ring.close();
        const reopened = await DatafileRing.open({ ...options, io: undefined });
        expectPagesEqual(reopened.pages, appended);
        expect(cleanStats(reopened.stats)).toEqual(NO_ANOMALIES);
        await reopened.ring.close();
      });
    });
  }

  it('reports a failed sync as STORE_UNAVAILABLE and syncs the directory again next time', async () => {
    await withTempDir(async (dir) => {
      const io = new FaultyIo();
      const { ring } = await DatafileRing.open(ringOptions(dir, new CountingCodec(), { io }));
      await fill(ring, new Rng(55), 2);
      io.failNext('syncDir', dir, { code: 'EIO' });
      await expect(ring.sync()).rejects.toMatchObject({ code: ErrorCodes.STORE_UNAVAILABLE });
      io.failNext('syncDir', dir, { code: 'EIO' });
      await expect(ring.sync()).rejects.toMatchObject({ code: ErrorCodes.STORE_UNAVAILABLE });
      await ring.sync();
      io.failNext('syncDir', dir, { code: 'EIO' });
      await ring.sync(); // nothing created or deleted since: the directory is not synced again
      expect(io.pendingFaults).toBe(1);
      await ring.close();
    });
  });

  it('keeps a file it could not delete', async () => {
    await withTempDir(async (dir) => {
      const io = new FaultyIo();
      const { ring } = await DatafileRing.open(ringOptions(dir, new CountingCodec(), { io, datafileBytes: 4096 }));
      const appended = await fill(ring, new Rng(54), 20, 6);
      const files = ring.files();
      io.failNext('unlink', '00000001.cdf', { code: 'EIO' });
      await expect(ring.deleteOldest()).rejects.toMatchObject({ code: ErrorCodes.STORE_UNAVAILABLE });
      expect(ring.files()).toEqual(files);
      await expectAllReadable(ring, appended);
      expect(await ring.deleteOldest()).toMatchObject({ file: 1 });
      await ring.close();
    });
  });
});
