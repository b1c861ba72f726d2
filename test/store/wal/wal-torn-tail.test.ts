// A crash mid-write leaves a partial last record: open truncates it and replay returns every
// record before it. Checked at every byte where the write could have stopped.
import { appendFile, cp, open, rm, stat, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { WalPosition } from '../../../src/store/wal/index.js';
import { contents, openWal, payload, replayAll, rng, segmentFile, tempDir, type Appended } from './helpers.js';

async function writeRecords(dir: string, records: readonly Appended[]): Promise<WalPosition[]> {
  const wal = await openWal(dir, { segmentBytes: 1 << 20 });
  const positions: WalPosition[] = [];
  for (const r of records) positions.push(await wal.append(r.type, r.payload));
  await wal.close();
  return positions;
}

async function expectTornAt(source: string, cut: number, lastStart: number, before: readonly Appended[]): Promise<void> {
  const dir = join(tmpdir(), `cairn-wal-torn-${process.pid}-${cut}`);
  await cp(source, dir, { recursive: true });
  try {
    await truncate(segmentFile(dir, 1), cut);
    const wal = await openWal(dir);
    expect((await stat(segmentFile(dir, 1))).size, `cut at ${cut}`).toBe(lastStart);
    expect(wal.stats().tornTailsTruncated, `cut at ${cut}`).toBe(cut > lastStart ? 1 : 0);
    expect(wal.stats().tornTailBytesTruncated).toBe(cut - lastStart);
    const { records, stats } = await replayAll(wal);
    expect(contents(records), `cut at ${cut}`).toEqual(contents(before));
    expect(stats.corruptRecordsSkipped).toBe(0);
    expect(stats.tornTailBytesTruncated).toBe(cut - lastStart);
    await wal.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('Wal torn tail', () => {
  for (const compressible of [false, true]) {
    it(`truncates a last record cut at any byte (${compressible ? 'lz4-compressed' : 'stored'} record)`, async () => {
      const source = await tempDir();
      const random = rng(compressible ? 11 : 12);
      const records = Array.from({ length: 6 }, (_, i) => ({ type: 1 + (i % 2), payload: payload(random, 50 + 40 * i, i % 2 === 0) }));
      const last = { type: 2, payload: payload(random, 240, compressible) };
      const positions = await writeRecords(source, [...records, last]);
      const lastStart = positions.at(-1)!.offset;
      const end = (await stat(segmentFile(source, 1))).size;
      // 10-byte frame header + 240 bytes, or fewer when lz4 shrank the payload.
      if (compressible) expect(end - lastStart).toBeLessThan(100);
      else expect(end - lastStart).toBe(10 + 240);
      for (let cut = lastStart; cut < end; cut++) await expectTornAt(source, cut, lastStart, records);
    });
  }

  it('truncates a zero-filled tail (preallocated space after a crash)', async () => {
    const dir = await tempDir();
    const random = rng(13);
    const records = Array.from({ length: 10 }, () => ({ type: 1, payload: payload(random, 500) }));
    await writeRecords(dir, records);
    const size = (await stat(segmentFile(dir, 1))).size;
    await appendFile(segmentFile(dir, 1), new Uint8Array(4096));
    const wal = await openWal(dir);
    expect(wal.stats()).toMatchObject({ tornTailsTruncated: 1, tornTailBytesTruncated: 4096 });
    expect((await stat(segmentFile(dir, 1))).size).toBe(size);
    const { records: back, stats } = await replayAll(wal);
    expect(contents(back)).toEqual(contents(records));
    expect(stats.corruptRecordsSkipped).toBe(0);
    await wal.close();
  });

  it('removes a last segment torn before its header was complete', async () => {
    const dir = await tempDir();
    await writeRecords(dir, [{ type: 1, payload: new Uint8Array(8) }]);
    await appendFile(segmentFile(dir, 2), new Uint8Array([0x43, 0x57, 0x41])); // a crash 3 bytes into creating segment 2
    const wal = await openWal(dir);
    expect(wal.segments().map((s) => s.segment)).toEqual([1, 3]);
    expect((await replayAll(wal)).records).toHaveLength(1);
    await wal.close();
  });

  it('treats a corrupt last record of the last segment like a torn one: truncated', async () => {
    const dir = await tempDir();
    const random = rng(14);
    const records = Array.from({ length: 5 }, () => ({ type: 1, payload: payload(random, 100) }));
    const positions = await writeRecords(dir, records);
    const fh = await open(segmentFile(dir, 1), 'r+');
    await fh.write(new Uint8Array([0xee]), 0, 1, positions[4]!.offset + 50);
    await fh.close();
    const wal = await openWal(dir);
    expect(wal.stats().tornTailsTruncated).toBe(1);
    expect(contents((await replayAll(wal)).records)).toEqual(contents(records.slice(0, 4)));
    await wal.close();
  });
});
