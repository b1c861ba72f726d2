// Appending extents, reading pages back, reopening from the journals, rolling over to new datafiles.
import { readFileSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../../src/errors/index.js';
import { DatafileRing } from '../../../src/store/ring/index.js';
import { journalEntries } from '../../support/store-files.js';
import { cleanStats, CountingCodec, expectAllReadable, expectPagesEqual, fill, makePages, NO_ANOMALIES, Rng, ringOptions, withTempDir } from './ring-fixture.js';

async function diskBytes(dir: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(dir)) total += (await stat(join(dir, name))).size;
  return total;
}

describe('DatafileRing append and read', () => {
  it('reads back every page of many extents exactly, across datafiles', async () => {
    await withTempDir(async (dir) => {
      const codec = new CountingCodec();
      const { ring, pages, stats } = await DatafileRing.open(ringOptions(dir, codec, { datafileBytes: 32 * 1024 }));
      expect(pages.pageCount).toBe(0);
      expect(stats.datafiles).toBe(0);
      const appended = await fill(ring, new Rng(1), 300);
      expect(ring.files().length).toBeGreaterThan(5);
      await expectAllReadable(ring, appended);
      expect(ring.sizeBytes()).toBe(await diskBytes(dir));
      await ring.close();
    });
  });

  it('reopens with the same pages, meta and location, without decompressing anything', async () => {
    await withTempDir(async (dir) => {
      const codec = new CountingCodec();
      const first = await DatafileRing.open(ringOptions(dir, codec, { datafileBytes: 32 * 1024 }));
      const appended = await fill(first.ring, new Rng(2), 200);
      const filesBefore = first.ring.files();
      await first.ring.close();

      const reopenCodec = new CountingCodec();
      const { ring, pages, stats } = await DatafileRing.open(ringOptions(dir, reopenCodec, { datafileBytes: 32 * 1024 }));
      expect(reopenCodec.decompressCalls).toBe(0);
      expectPagesEqual(pages, appended);
      expect(cleanStats(stats)).toEqual(NO_ANOMALIES);
      expect(stats).toMatchObject({ datafiles: filesBefore.length, extents: 200, pages: appended.length });
      expect(ring.files()).toEqual(filesBefore);
      expect(ring.sizeBytes()).toBe(await diskBytes(dir));
      await expectAllReadable(ring, appended);
      await ring.close();
    });
  });

  it('continues the newest datafile after a reopen and keeps numbering files upward', async () => {
    await withTempDir(async (dir) => {
      const codec = new CountingCodec();
      const rng = new Rng(3);
      const first = await DatafileRing.open(ringOptions(dir, codec));
      const before = await fill(first.ring, rng, 3, 5);
      await first.ring.close();
      const second = await DatafileRing.open(ringOptions(dir, codec));
      const after = await fill(second.ring, rng, 3, 5);
      expect(second.ring.files().map((f) => f.file)).toEqual([1]);
      expect(after[0]!.location.extentOffset).toBe(before[before.length - 1]!.location.extentOffset + before[before.length - 1]!.location.extentLength);
      await second.ring.close();
      const third = await DatafileRing.open(ringOptions(dir, codec));
      expectPagesEqual(third.pages, [...before, ...after]);
      await expectAllReadable(third.ring, [...before, ...after]);
      await third.ring.close();
    });
  });

  it('rolls to a new datafile when the next extent would exceed datafileBytes', async () => {
    await withTempDir(async (dir) => {
      const codec = new CountingCodec();
      const datafileBytes = 8 * 1024;
      const { ring } = await DatafileRing.open(ringOptions(dir, codec, { datafileBytes }));
      const appended = await fill(ring, new Rng(4), 120, 20);
      const files = ring.files();
      expect(files.map((f) => f.file)).toEqual(files.map((_, i) => i + 1));
      const extentsPerFile = new Map<number, number>();
      for (const a of appended) extentsPerFile.set(a.location.file, (extentsPerFile.get(a.location.file) ?? 0) + 1);
      for (const f of files) {
        // Only a lone extent may make a file bigger than the target.
        if (f.bytes > datafileBytes) expect(new Set(appended.filter((a) => a.location.file === f.file).map((a) => a.location.extentOffset)).size).toBe(1);
      }
      // Each file was filled until the next extent did not fit.
      for (let i = 0; i + 1 < files.length; i++) {
        const next = appended.find((a) => a.location.file === files[i + 1]!.file)!;
        expect(files[i]!.bytes + next.location.extentLength).toBeGreaterThan(datafileBytes);
      }
      expect((await readdir(dir)).sort()).toEqual(files.flatMap((f) => [`${String(f.file).padStart(8, '0')}.cdf`, `${String(f.file).padStart(8, '0')}.cjf`]).sort());
      await ring.close();
    });
  });

  it('puts an extent bigger than datafileBytes alone in its own file', async () => {
    await withTempDir(async (dir) => {
      const codec = new CountingCodec();
      const { ring } = await DatafileRing.open(ringOptions(dir, codec, { datafileBytes: 1024, compress: async (raw) => Uint8Array.of(0, ...raw), decompress: (b) => b.subarray(1) }));
      const small = makePages(new Rng(5), 1);
      const big = { meta: small[0]!.meta, bytes: new Uint8Array(5000).fill(7) };
      const [a] = await ring.appendExtent(small);
      const [b] = await ring.appendExtent([big]);
      const [c] = await ring.appendExtent(small);
      expect([a!.file, b!.file, c!.file]).toEqual([1, 2, 3]);
      expect(await ring.readPage(b!)).toEqual(big.bytes);
      await ring.close();
    });
  });

  it('tracks the time range of every file', async () => {
    await withTempDir(async (dir) => {
      const { ring } = await DatafileRing.open(ringOptions(dir, new CountingCodec(), { datafileBytes: 8 * 1024 }));
      const appended = await fill(ring, new Rng(6), 60);
      for (const f of ring.files()) {
        const own = appended.filter((a) => a.location.file === f.file);
        expect(f.minT).toBe(Math.min(...own.map((a) => a.meta.minT)));
        expect(f.maxT).toBe(Math.max(...own.map((a) => a.meta.maxT)));
      }
      await ring.close();
    });
  });

  it('serves the pages of one extent with one decompression (extent cache), or one each without cache', async () => {
    await withTempDir(async (dir) => {
      const codec = new CountingCodec();
      const { ring } = await DatafileRing.open(ringOptions(dir, codec));
      const appended = await fill(ring, new Rng(7), 1, 1);
      const pages = makePages(new Rng(8), 25);
      const locations = await ring.appendExtent(pages);
      await Promise.all(locations.map((l) => ring.readPage(l)));
      for (const l of locations) await ring.readPage(l);
      expect(codec.decompressCalls).toBe(1);
      await ring.close();

      const uncached = new CountingCodec();
      const reopened = await DatafileRing.open(ringOptions(dir, uncached, { extentCacheBytes: 0 }));
      for (const l of locations) await reopened.ring.readPage(l);
      expect(uncached.decompressCalls).toBe(locations.length);
      await expectAllReadable(reopened.ring, appended);
      await reopened.ring.close();
    });
  });

  it('orders concurrent appends without overlap', async () => {
    await withTempDir(async (dir) => {
      const { ring } = await DatafileRing.open(ringOptions(dir, new CountingCodec(), { datafileBytes: 16 * 1024 }));
      const rng = new Rng(9);
      const batches = Array.from({ length: 40 }, () => makePages(rng, rng.int(1, 20)));
      const results = await Promise.all(batches.map((b) => ring.appendExtent(b)));
      const extents = results.map((r) => r[0]!).sort((a, b) => a.file - b.file || a.extentOffset - b.extentOffset);
      for (let i = 1; i < extents.length; i++) {
        const prev = extents[i - 1]!;
        if (prev.file === extents[i]!.file) expect(extents[i]!.extentOffset).toBe(prev.extentOffset + prev.extentLength);
      }
      await expectAllReadable(ring, batches.flatMap((b, i) => b.map((p, j) => ({ ...p, location: results[i]![j]! }))));
      await ring.close();
    });
  });

  it('rejects appends and reads once closed, and close is idempotent', async () => {
    await withTempDir(async (dir) => {
      const { ring } = await DatafileRing.open(ringOptions(dir, new CountingCodec()));
      const [appended] = await fill(ring, new Rng(10), 1, 1);
      await Promise.all([ring.close(), ring.close()]);
      await expect(ring.appendExtent(makePages(new Rng(11), 1))).rejects.toMatchObject({ code: ErrorCodes.SHUTTING_DOWN });
      await expect(ring.readPage(appended!.location)).rejects.toMatchObject({ code: ErrorCodes.SHUTTING_DOWN });
    });
  });

  it('rejects pages the format cannot hold', async () => {
    await withTempDir(async (dir) => {
      const { ring } = await DatafileRing.open(ringOptions(dir, new CountingCodec()));
      const bytes = new Uint8Array(4);
      await expect(ring.appendExtent([])).rejects.toThrow(RangeError);
      await expect(ring.appendExtent([{ meta: { seriesRef: -1, minT: 0, maxT: 1, count: 1 }, bytes }])).rejects.toThrow(RangeError);
      await expect(ring.appendExtent([{ meta: { seriesRef: 1, minT: 5, maxT: 1, count: 1 }, bytes }])).rejects.toThrow(RangeError);
      await expect(ring.appendExtent([{ meta: { seriesRef: 1, minT: 0.5, maxT: 1, count: 1 }, bytes }])).rejects.toThrow(RangeError);
      await ring.close();
    });
  });

  it('stores negative and large timestamps exactly on disk, and the index covers them', async () => {
    await withTempDir(async (dir) => {
      const codec = new CountingCodec();
      const first = await DatafileRing.open(ringOptions(dir, codec));
      const metas = [
        { seriesRef: 0, minT: -1, maxT: 0, count: 0 },
        { seriesRef: 0xffffffff, minT: -(2 ** 52) - 3, maxT: Number.MAX_SAFE_INTEGER, count: 0xffffffff },
      ];
      await first.ring.appendExtent(metas.map((meta) => ({ meta, bytes: new Uint8Array(3) })));
      await first.ring.close();
      const { ring, pages } = await DatafileRing.open(ringOptions(dir, codec));
      const [entry] = journalEntries(readFileSync(join(dir, '00000001.cjf')));
      expect(entry!.pages.map(({ pageLength: _, ...meta }) => meta)).toEqual(metas);
      // The index keeps whole seconds rounded outward (0: "earlier") and the exact newest time.
      expect(pages.maxT(0)).toBe(0);
      expect(pages.maxT(0xffffffff)).toBe(Number.MAX_SAFE_INTEGER);
      expect(pages.pagesOf(0).map((p) => [p.minT, p.maxT])).toEqual([[0, 0]]);
      expect(pages.overlapping(0xffffffff, -(2 ** 52), -(2 ** 52)).length).toBe(1);
      expect(pages.overlapping(0xffffffff, Number.MAX_SAFE_INTEGER, Infinity).length).toBe(1);
      await ring.close();
    });
  });
});
