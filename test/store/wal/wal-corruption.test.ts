// Corrupt bytes in the middle of the WAL cost the records they hit and nothing else: replay
// skips them, counts them, names file and offset, and finds the next valid record.
import { open, readFile, stat, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../../src/errors/index.js';
import { crc32c, WalCorruptError, type WalPosition } from '../../../src/store/wal/index.js';
import { contents, openWal, payload, replayAll, rng, segmentFile, tempDir, type Appended } from './helpers.js';

async function writeRecords(dir: string, records: readonly Appended[], segmentBytes = 1 << 20): Promise<WalPosition[]> {
  const wal = await openWal(dir, { segmentBytes });
  const positions: WalPosition[] = [];
  for (const r of records) positions.push(await wal.append(r.type, r.payload));
  await wal.close();
  return positions;
}

async function patch(file: string, offset: number, bytes: Uint8Array): Promise<void> {
  const fh = await open(file, 'r+');
  await fh.write(bytes, 0, bytes.length, offset);
  await fh.close();
}

function u32(n: number): Uint8Array {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
}

function sample(seed: number, count = 20): Appended[] {
  const random = rng(seed);
  return Array.from({ length: count }, (_, i) => ({ type: 1 + (i % 2), payload: payload(random, 100 + Math.floor(random() * 2000), i % 4 === 0) }));
}

// Offsets inside record 10's frame: length u32 @0, crc u32 @4, type @8, flags @9, payload @10.
const damage: { name: string; at: number; bytes: (old: Buffer) => Uint8Array }[] = [
  { name: 'a flipped payload byte', at: 40, bytes: (old) => new Uint8Array([old[40]! ^ 0x01]) },
  { name: 'a flipped checksum byte', at: 5, bytes: (old) => new Uint8Array([old[5]! ^ 0x80]) },
  { name: 'a changed type', at: 8, bytes: () => new Uint8Array([7]) },
  { name: 'unknown flags', at: 9, bytes: () => new Uint8Array([0x80]) },
  { name: 'an impossible length', at: 0, bytes: () => u32(0xfffffff0) },
  { name: 'a length one too long', at: 0, bytes: (old) => u32(old.readUInt32LE(0) + 1) },
  { name: 'a length one too short', at: 0, bytes: (old) => u32(old.readUInt32LE(0) - 1) },
  { name: 'a zero length', at: 0, bytes: () => u32(0) },
  { name: 'a zeroed frame header', at: 0, bytes: () => new Uint8Array(10) },
];

describe('Wal corruption in the middle', () => {
  for (const d of damage) {
    it(`skips and counts one record with ${d.name}, returns all others`, async () => {
      const dir = await tempDir();
      const records = sample(21);
      const positions = await writeRecords(dir, records);
      const file = segmentFile(dir, 1);
      const start = positions[10]!.offset;
      const frame = (await readFile(file)).subarray(start, positions[11]!.offset);
      await patch(file, start + d.at, d.bytes(frame));

      const wal = await openWal(dir);
      expect(wal.stats().tornTailsTruncated).toBe(0);
      const { records: back, stats } = await replayAll(wal);
      expect(contents(back)).toEqual(contents([...records.slice(0, 10), ...records.slice(11)]));
      expect(stats.corruptRecordsSkipped).toBe(1);
      expect(stats.corruptBytesSkipped).toBe(frame.length);
      const error = stats.corruptions[0]!;
      expect(error).toBeInstanceOf(WalCorruptError);
      expect(error).toMatchObject({ code: ErrorCodes.WAL_CORRUPT, file, offset: start, bytes: frame.length });
      expect(wal.stats().corruptRecordsSkipped).toBe(1);
      await wal.close();
    });
  }

  it('skips two adjacent corrupt records as one run', async () => {
    const dir = await tempDir();
    const records = sample(22);
    const positions = await writeRecords(dir, records);
    const file = segmentFile(dir, 1);
    await patch(file, positions[5]!.offset + 20, new Uint8Array([0xaa, 0xbb]));
    await patch(file, positions[6]!.offset + 20, new Uint8Array([0xaa, 0xbb]));
    const wal = await openWal(dir);
    const { records: back, stats } = await replayAll(wal);
    expect(contents(back)).toEqual(contents([...records.slice(0, 5), ...records.slice(7)]));
    expect(stats).toMatchObject({ corruptRecordsSkipped: 1, corruptBytesSkipped: positions[7]!.offset - positions[5]!.offset });
    await wal.close();
  });

  it('skips the corrupt last record of a segment that is not the last one', async () => {
    const dir = await tempDir();
    const random = rng(23);
    const records = Array.from({ length: 30 }, () => ({ type: 1, payload: payload(random, 1000) }));
    const positions = await writeRecords(dir, records, 8 << 10);
    const lastOfFirst = positions.filter((p) => p.segment === 1).length - 1;
    await patch(segmentFile(dir, 1), positions[lastOfFirst]!.offset + 500, new Uint8Array([0x00, 0x01]));
    const wal = await openWal(dir, { segmentBytes: 8 << 10 });
    const { records: back, stats } = await replayAll(wal);
    expect(contents(back)).toEqual(contents(records.filter((_, i) => i !== lastOfFirst)));
    expect(stats.corruptRecordsSkipped).toBe(1);
    await wal.close();
  });

  it('reads the frames of a segment whose header is corrupt, counting the header', async () => {
    const dir = await tempDir();
    const random = rng(24);
    const records = Array.from({ length: 30 }, () => ({ type: 1, payload: payload(random, 1000) }));
    await writeRecords(dir, records, 8 << 10);
    await patch(segmentFile(dir, 2), 9, new Uint8Array([0x55])); // the segment number
    const wal = await openWal(dir, { segmentBytes: 8 << 10 });
    const { records: back, stats } = await replayAll(wal);
    expect(contents(back)).toEqual(contents(records));
    expect(stats.corruptRecordsSkipped).toBe(1);
    expect(stats.corruptions[0]).toMatchObject({ file: segmentFile(dir, 2), offset: 0, bytes: 16 });
    await wal.close();
  });

  it('skips a whole segment of an unsupported format version, counting it', async () => {
    const dir = await tempDir();
    const random = rng(25);
    const records = Array.from({ length: 30 }, () => ({ type: 1, payload: payload(random, 1000) }));
    const positions = await writeRecords(dir, records, 8 << 10);
    const file = segmentFile(dir, 2);
    const header = (await readFile(file)).subarray(0, 16);
    header.writeUInt16LE(9, 4);
    header.writeUInt32LE(crc32c(header, 0, 12), 12);
    await patch(file, 0, header);
    const wal = await openWal(dir, { segmentBytes: 8 << 10 });
    const { records: back, stats } = await replayAll(wal);
    expect(contents(back)).toEqual(contents(records.filter((_, i) => positions[i]!.segment !== 2)));
    expect(stats.corruptRecordsSkipped).toBe(1);
    expect(stats.corruptBytesSkipped).toBe((await stat(file)).size);
    expect(stats.corruptions[0]!.reason).toMatch(/version 9/);
    await wal.close();
  });

  it('survives a segment of random garbage', async () => {
    const dir = await tempDir();
    const records = sample(26, 10);
    await writeRecords(dir, records);
    await writeRecords(dir, records);
    await writeRecords(dir, records);
    await writeFile(segmentFile(dir, 2), payload(rng(27), 50_000));
    const wal = await openWal(dir);
    const { records: back, stats } = await replayAll(wal);
    expect(contents(back)).toEqual(contents([...records, ...records]));
    expect(stats.corruptRecordsSkipped).toBeGreaterThanOrEqual(1);
    expect(stats.corruptBytesSkipped).toBe(50_000);
    await wal.close();
  });
});
