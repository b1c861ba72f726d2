// Deleting datafiles under disk pressure (oldest first) and by age.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATAFILE_GONE, DatafileRing, ringFileName } from '../../../src/store/ring/index.js';
import type { FileNumber } from '../../../src/store/ring/index.js';
import { CountingCodec, expectAllReadable, expectPagesEqual, fill, makePages, Rng, ringOptions, withTempDir } from './ring-fixture.js';

async function sizeOnDisk(dir: string, file: FileNumber): Promise<number> {
  return (await stat(join(dir, ringFileName(file, 'datafile')))).size + (await stat(join(dir, ringFileName(file, 'journal')))).size;
}

describe('DatafileRing deletion', () => {
  it('deletes the oldest file first, reports the bytes freed, and never the only file', async () => {
    await withTempDir(async (dir) => {
      const { ring } = await DatafileRing.open(ringOptions(dir, new CountingCodec(), { datafileBytes: 8 * 1024 }));
      const appended = await fill(ring, new Rng(20), 80, 20);
      const numbers = ring.files().map((f) => f.file);
      expect(numbers.length).toBeGreaterThan(3);
      const deleted: number[] = [];
      for (;;) {
        const oldest = ring.files()[0]!;
        const expectedFreed = await sizeOnDisk(dir, oldest.file);
        const sizeBefore = ring.sizeBytes();
        const result = await ring.deleteOldest();
        if (result === null) break;
        expect(result).toEqual({ file: oldest.file, freedBytes: expectedFreed });
        expect(ring.sizeBytes()).toBe(sizeBefore - expectedFreed);
        deleted.push(result.file);
        const names = await readdir(dir);
        expect(names).not.toContain(ringFileName(result.file, 'datafile'));
        expect(names).not.toContain(ringFileName(result.file, 'journal'));
      }
      expect(deleted).toEqual(numbers.slice(0, -1));
      expect(ring.files().map((f) => f.file)).toEqual(numbers.slice(-1));

      const gone = appended.filter((a) => a.location.file !== numbers[numbers.length - 1]);
      await expect(ring.readPage(gone[0]!.location)).rejects.toMatchObject({ code: DATAFILE_GONE, file: gone[0]!.location.file });
      const kept = appended.filter((a) => a.location.file === numbers[numbers.length - 1]);
      await expectAllReadable(ring, kept);
      await ring.close();

      const reopened = await DatafileRing.open(ringOptions(dir, new CountingCodec(), { datafileBytes: 8 * 1024 }));
      expectPagesEqual(reopened.pages, kept);
      await reopened.ring.close();
    });
  });

  it('lets a read in flight finish while its file is deleted', async () => {
    await withTempDir(async (dir) => {
      const codec = new CountingCodec();
      const { ring } = await DatafileRing.open(ringOptions(dir, codec, { datafileBytes: 4 * 1024 }));
      const appended = await fill(ring, new Rng(21), 20, 10);
      const first = appended[0]!;
      const reading = ring.readPage(first.location);
      await ring.deleteOldest();
      expect(await reading).toEqual(first.bytes);
      await ring.close();
    });
  });

  it('deletes files whose newest page is older than the cut-off, rolling over the newest when it qualifies', async () => {
    await withTempDir(async (dir) => {
      const options = ringOptions(dir, new CountingCodec(), { datafileBytes: 8 * 1024 });
      const { ring } = await DatafileRing.open(options);
      const appended = await fill(ring, new Rng(22), 60, 20);
      const files = ring.files();
      const cut = files[2]!.maxT + 1;
      expect(await ring.deleteOlderThan(cut)).toEqual(files.slice(0, 3).map((f) => f.file));
      expect(ring.files()).toEqual(files.slice(3));
      await expectAllReadable(ring, appended.filter((a) => a.meta.maxT >= cut));

      const last = files[files.length - 1]!;
      expect(await ring.deleteOlderThan(last.maxT + 1)).toEqual(files.slice(3).map((f) => f.file));
      // The newest was rolled over: an empty file holds the numbering.
      expect(ring.files()).toEqual([{ file: last.file + 1, bytes: 32, journalBytes: 32, minT: Infinity, maxT: -Infinity }]);
      expect(await ring.deleteOldest()).toBeNull();
      await ring.close();

      const reopened = await DatafileRing.open(options);
      expect(reopened.pages.pageCount).toBe(0);
      const [next] = await reopened.ring.appendExtent(makePages(new Rng(23), 1));
      expect(next!.file).toBe(last.file + 1);
      await reopened.ring.close();
    });
  });

  it('never reuses a file number, even when every file was deleted before a restart', async () => {
    await withTempDir(async (dir) => {
      const options = ringOptions(dir, new CountingCodec(), { datafileBytes: 4 * 1024 });
      const first = await DatafileRing.open(options);
      await fill(first.ring, new Rng(24), 30, 10);
      const highest = Math.max(...first.ring.files().map((f) => f.file));
      while ((await first.ring.deleteOldest()) !== null);
      await first.ring.close();
      const second = await DatafileRing.open(options);
      await fill(second.ring, new Rng(25), 30, 10);
      expect(Math.min(...second.ring.files().map((f) => f.file))).toBe(highest);
      expect(second.ring.files().slice(1).every((f) => f.file > highest)).toBe(true);
      await second.ring.close();
    });
  });
});
