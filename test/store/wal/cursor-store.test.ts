// Cursor files: saved atomically (old or new, never neither), corruption reported with the file.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../../src/errors/index.js';
import { CursorCorruptError, CursorStore, walPosition } from '../../../src/store/wal/index.js';
import { FaultyIo, tempDir } from './helpers.js';

describe('CursorStore', () => {
  it('saves, loads, lists and removes cursors; any name works', async () => {
    const dir = join(await tempDir(), 'cursors');
    const store = await CursorStore.open(dir);
    expect(await store.load('otlp/primary')).toBeNull();
    await store.save('otlp/primary', walPosition(3, 1234));
    await store.save('remote write #2', walPosition(7, 16));
    await store.save('otlp/primary', walPosition(4, 99));
    expect(await store.load('otlp/primary')).toEqual(walPosition(4, 99));
    expect(await store.list()).toEqual(['otlp/primary', 'remote write #2']);
    const reopened = await CursorStore.open(dir);
    expect(await reopened.load('remote write #2')).toEqual(walPosition(7, 16));
    expect(reopened.minSegment(walPosition(1, 16).segment)).toBe(4);
    expect(await reopened.remove('otlp/primary')).toBe(true);
    expect(await reopened.remove('otlp/primary')).toBe(false);
    expect(await reopened.list()).toEqual(['remote write #2']);
    expect(() => store.register('')).toThrow(RangeError);
  });

  it('keeps the old position readable when a crash comes between the temp write and the rename', async () => {
    const dir = join(await tempDir(), 'cursors');
    const io = new FaultyIo();
    const store = await CursorStore.open(dir, { io });
    await store.save('exporter', walPosition(2, 500));
    io.failRename = 'EIO'; // the process dies here: temp written and synced, not renamed
    await expect(store.save('exporter', walPosition(9, 900))).rejects.toThrow(/rename/);
    expect((await readdir(dir)).sort()).toEqual(['exporter.cursor', 'exporter.cursor.tmp']);
    expect(await store.load('exporter')).toEqual(walPosition(2, 500));

    const restarted = await CursorStore.open(dir);
    expect(await restarted.load('exporter')).toEqual(walPosition(2, 500));
    expect(await readdir(dir)).toEqual(['exporter.cursor']); // the leftover temp file is gone
  });

  it('keeps the old position when the temp file was torn', async () => {
    const dir = join(await tempDir(), 'cursors');
    const store = await CursorStore.open(dir);
    await store.save('exporter', walPosition(2, 500));
    await writeFile(join(dir, 'exporter.cursor.tmp'), new Uint8Array([0x43, 0x43])); // crash mid-write
    expect(await store.load('exporter')).toEqual(walPosition(2, 500));
  });

  for (const [what, damage] of [
    ['a flipped byte', (b: Buffer) => Buffer.from(b.map((v, i) => (i === 9 ? v ^ 1 : v)))],
    ['a truncated file', (b: Buffer) => b.subarray(0, 10)],
    ['an empty file', () => Buffer.alloc(0)],
    ['another file format', () => Buffer.from('{"segment": 3, "offset": 16}\n')],
  ] as const) {
    it(`reports ${what} as CURSOR_CORRUPT with the file path`, async () => {
      const dir = join(await tempDir(), 'cursors');
      const store = await CursorStore.open(dir);
      await store.save('exporter', walPosition(2, 500));
      const file = join(dir, 'exporter.cursor');
      await writeFile(file, damage(await readFile(file)));
      const err = await store.load('exporter').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CursorCorruptError);
      expect(err).toMatchObject({ code: ErrorCodes.CURSOR_CORRUPT, file });
      expect((err as Error).message).toContain(file);
      // Opening still works; the unreadable cursor holds retention at the oldest segment.
      const reopened = await CursorStore.open(dir);
      expect(reopened.minSegment(walPosition(5, 16).segment)).toBe(5);
      await reopened.save('exporter', walPosition(6, 16));
      expect(await reopened.load('exporter')).toEqual(walPosition(6, 16));
    });
  }
});
