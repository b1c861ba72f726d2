// Appends come back from replay exactly, in order, across segments, restarts and record sizes.
import { readdir, stat } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../../src/errors/index.js';
import { comparePositions, type WalPosition } from '../../../src/store/wal/index.js';
import { contents, openWal, payload, replayAll, rng, segmentFile, tempDir, type Appended } from './helpers.js';

/** Sizes from empty to 20 KiB, a third of them compressible, types 1-3. */
function workload(seed: number, count: number): Appended[] {
  const random = rng(seed);
  const list: Appended[] = [];
  for (let i = 0; i < count; i++) {
    const size = i % 17 === 0 ? 0 : Math.floor(random() ** 3 * 20_000);
    list.push({ type: 1 + (i % 3), payload: payload(random, size, i % 3 === 0) });
  }
  return list;
}

describe('Wal append and replay', () => {
  it('round-trips many records of varied sizes across several segments, in order', async () => {
    const dir = await tempDir();
    const wal = await openWal(dir, { segmentBytes: 64 << 10 });
    const records = workload(1, 400);
    const positions: WalPosition[] = [];
    for (const r of records) positions.push(await wal.append(r.type, r.payload));
    for (let i = 1; i < positions.length; i++) expect(comparePositions(positions[i - 1]!, positions[i]!)).toBeLessThan(0);
    expect(wal.segments().length).toBeGreaterThan(5);

    const live = await replayAll(wal);
    expect(contents(live.records)).toEqual(contents(records));
    expect(live.records.map((r) => r.position)).toEqual(positions);
    expect(live.stats).toMatchObject({ records: 400, corruptRecordsSkipped: 0, missingSegments: 0 });
    await wal.close();

    const reopened = await openWal(dir, { segmentBytes: 64 << 10 });
    const again = await replayAll(reopened);
    expect(contents(again.records)).toEqual(contents(records));
    expect(again.records.map((r) => r.position)).toEqual(positions);
    expect(reopened.stats().tornTailsTruncated).toBe(0);
    await reopened.close();
  });

  it('keeps segments within segmentBytes and rolls over to consecutive numbers', async () => {
    const dir = await tempDir();
    const wal = await openWal(dir, { segmentBytes: 16 << 10 });
    const random = rng(2);
    for (let i = 0; i < 100; i++) await wal.append(1, payload(random, 1000));
    const segments = wal.segments();
    expect(segments.map((s) => s.segment)).toEqual(segments.map((_, i) => i + 1));
    for (const s of segments) {
      expect(s.bytes).toBeLessThanOrEqual(16 << 10);
      expect((await stat(segmentFile(dir, s.segment))).size).toBe(s.bytes);
    }
    expect(wal.sizeBytes()).toBe(segments.reduce((n, s) => n + s.bytes, 0));
    expect(wal.stats().segmentsCreated).toBe(segments.length);
    await wal.close();
  });

  it('gives a record larger than a segment a segment of its own', async () => {
    const dir = await tempDir();
    const wal = await openWal(dir, { segmentBytes: 16 << 10 });
    const random = rng(3);
    const small = payload(random, 100);
    const big = payload(random, 100 << 10);
    const a = await wal.append(1, small);
    const b = await wal.append(2, big);
    const c = await wal.append(1, small);
    expect([a.segment, b.segment, c.segment]).toEqual([1, 2, 3]);
    expect(b.offset).toBe(16);
    expect(wal.segments()[1]!.bytes).toBeGreaterThan(100 << 10);
    const { records } = await replayAll(wal);
    expect(contents(records)).toEqual(contents([{ type: 1, payload: small }, { type: 2, payload: big }, { type: 1, payload: small }]));
    await wal.close();
  });

  it('starts a new segment on every open, after the old ones, so positions are never reused', async () => {
    const dir = await tempDir();
    let wal = await openWal(dir);
    await wal.append(1, new Uint8Array([1]));
    await wal.close();
    wal = await openWal(dir);
    const p = await wal.append(1, new Uint8Array([2]));
    expect(p.segment).toBe(2);
    await wal.close();
    expect((await readdir(dir)).filter((f) => f.endsWith('.wal'))).toEqual(['00000001.wal', '00000002.wal']);
  });

  it('compresses payloads when that makes them smaller, and not otherwise', async () => {
    const dir = await tempDir();
    const wal = await openWal(dir);
    const random = rng(4);
    await wal.append(1, payload(random, 10_000, true));
    const compressed = wal.stats().bytesAppended;
    expect(compressed).toBeLessThan(2_000);
    await wal.append(1, payload(random, 10_000, false));
    expect(wal.stats().bytesAppended - compressed).toBe(10 + 10_000);
    expect(wal.stats().payloadBytesAppended).toBe(20_000);
    await wal.close();
  });

  it('sends appends made in the same tick out in one write, in call order', async () => {
    const dir = await tempDir();
    const wal = await openWal(dir, { segmentBytes: 1 << 20 });
    const random = rng(5);
    const records = Array.from({ length: 100 }, (_, i) => ({ type: 1 + (i % 5), payload: payload(random, 200 + i) }));
    const positions = await Promise.all(records.map((r) => wal.append(r.type, r.payload)));
    expect(wal.stats().writes).toBe(1);
    for (let i = 1; i < positions.length; i++) expect(positions[i]!.offset).toBe(positions[i - 1]!.offset + 10 + records[i - 1]!.payload.length);
    expect(contents((await replayAll(wal)).records)).toEqual(contents(records));
    await wal.close();
  });

  it('gathers appends made while a write is in flight into the next write', async () => {
    const dir = await tempDir();
    const wal = await openWal(dir, { segmentBytes: 1 << 20 });
    const first = wal.append(1, new Uint8Array(10));
    await Promise.resolve(); // the first write has started
    const rest = Array.from({ length: 50 }, () => wal.append(2, new Uint8Array(10)));
    await Promise.all([first, ...rest]);
    expect(wal.stats().writes).toBe(2);
    await wal.close();
  });

  it('replays from a position, inclusive', async () => {
    const dir = await tempDir();
    const wal = await openWal(dir, { segmentBytes: 4 << 10 });
    const positions: WalPosition[] = [];
    for (let i = 0; i < 50; i++) positions.push(await wal.append(1, new Uint8Array(300).fill(i)));
    const { records } = await replayAll(wal, positions[30]);
    expect(records.map((r) => r.payload[0])).toEqual(Array.from({ length: 20 }, (_, i) => 30 + i));
    expect(records[0]!.next).toEqual(positions[31]);
    await wal.close();
  });

  it('waits for an async replay callback before the next record', async () => {
    const dir = await tempDir();
    const wal = await openWal(dir);
    for (let i = 0; i < 5; i++) await wal.append(1, new Uint8Array([i]));
    const seen: number[] = [];
    await wal.replay(async (r) => {
      await new Promise((resolve) => setTimeout(resolve, 2));
      seen.push(r.payload[0]!);
    });
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    await wal.close();
  });

  it('rejects bad record types, and appends after close with SHUTTING_DOWN; close is idempotent', async () => {
    const dir = await tempDir();
    const wal = await openWal(dir);
    await expect(wal.append(0, new Uint8Array(1))).rejects.toThrow(RangeError);
    await expect(wal.append(256, new Uint8Array(1))).rejects.toThrow(RangeError);
    const last = wal.append(1, new Uint8Array(1));
    const closing = wal.close();
    await expect(last).resolves.toMatchObject({ segment: 1 });
    await expect(wal.append(1, new Uint8Array(1))).rejects.toMatchObject({ code: ErrorCodes.SHUTTING_DOWN });
    await closing;
    await wal.close();
  });

  it('rejects options that cannot work, naming them', async () => {
    const dir = await tempDir();
    await expect(openWal(dir, { segmentBytes: 10 })).rejects.toThrow(/segmentBytes/);
    await expect(openWal(dir, { fsync: 'interval', fsyncIntervalMs: 0 })).rejects.toThrow(/fsyncIntervalMs/);
  });
});
