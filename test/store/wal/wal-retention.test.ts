// Deleting old segments, and the cursor floor that tells the caller how far it may go.
import { access } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { segmentNumber, walPosition } from '../../../src/store/wal/index.js';
import { openWal, payload, replayAll, rng, segmentFile, tempDir } from './helpers.js';

async function fill(dir: string, count: number) {
  const wal = await openWal(dir, { segmentBytes: 4 << 10 });
  const random = rng(31);
  const positions = [];
  for (let i = 0; i < count; i++) positions.push(await wal.append(1, payload(random, 1000)));
  return { wal, positions };
}

describe('Wal retention', () => {
  it('deletes the segments before a number and reports how many', async () => {
    const dir = await tempDir();
    const { wal, positions } = await fill(dir, 40);
    const before = wal.segments();
    expect(before.length).toBeGreaterThan(6);
    const size = wal.sizeBytes();
    expect(await wal.deleteSegmentsBefore(segmentNumber(4))).toBe(3);
    expect(wal.segments()).toEqual(before.slice(3));
    expect(wal.sizeBytes()).toBe(size - before.slice(0, 3).reduce((n, s) => n + s.bytes, 0));
    await expect(access(segmentFile(dir, 1))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(wal.oldestSegment()).toBe(4);
    expect(wal.stats().segmentsDeleted).toBe(3);
    const { records, stats } = await replayAll(wal);
    expect(records.length).toBe(positions.filter((p) => p.segment >= 4).length);
    expect(stats.missingSegments).toBe(0);
    await wal.close();
  });

  it('never deletes the segment being written', async () => {
    const dir = await tempDir();
    const { wal } = await fill(dir, 20);
    const current = wal.currentSegment();
    expect(await wal.deleteSegmentsBefore(segmentNumber(current + 100))).toBe(current - 1);
    expect(wal.segments().map((s) => s.segment)).toEqual([current]);
    await wal.append(1, new Uint8Array(10));
    expect((await replayAll(wal)).records.length).toBeGreaterThan(0);
    await wal.close();
  });

  it('replay from a deleted position reports the missing segments and continues', async () => {
    const dir = await tempDir();
    const { wal } = await fill(dir, 40);
    await wal.deleteSegmentsBefore(segmentNumber(5));
    const { stats } = await replayAll(wal, walPosition(2, 100));
    expect(stats.missingSegments).toBe(3);
    await wal.close();
  });

  it('minCursorSegment: null without cursors, else the lowest, unsaved registered ones at the oldest', async () => {
    const dir = await tempDir();
    const { wal } = await fill(dir, 40);
    expect(wal.minCursorSegment()).toBeNull();
    await wal.cursors.save('otlp/primary', walPosition(6, 16));
    await wal.cursors.save('remote-write', walPosition(4, 1000));
    expect(wal.minCursorSegment()).toBe(4);
    await wal.deleteSegmentsBefore(wal.minCursorSegment()!);
    expect(wal.oldestSegment()).toBe(4);
    wal.registerCursor('new-exporter');
    expect(wal.minCursorSegment()).toBe(4); // the oldest segment
    await wal.deleteSegmentsBefore(segmentNumber(5));
    expect(wal.minCursorSegment()).toBe(4); // remote-write is still at 4, now deleted
    await wal.cursors.remove('remote-write');
    expect(wal.minCursorSegment()).toBe(5);
    await wal.close();
  });

  it('opens its new segment after every saved cursor, so cursors never point into the future', async () => {
    const dir = await tempDir();
    let wal = await openWal(dir);
    await wal.cursors.save('exporter', walPosition(41, 16));
    await wal.close();
    wal = await openWal(dir);
    expect(wal.currentSegment()).toBe(42);
    expect(wal.minCursorSegment()).toBe(41);
    await wal.close();
  });
});
