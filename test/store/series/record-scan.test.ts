// Reading a record file (docs/format/series.md) without trusting lengths: header states,
// torn tails, damaged records and resynchronisation on the next valid record.
import { describe, expect, it } from 'vitest';
import { crc32c } from '../../../src/store/encoding/crc32c.js';
import { encodeRecordFile, scanRecords } from '../../../src/store/series/index.js';

const MAGIC = 'CAIRNTST';
const RECORDS = ['first', 'the second record', 'third: ünïcode ✓', 'x'];
const file = (records: readonly string[]): Buffer => encodeRecordFile(MAGIC, records.map((r) => Buffer.from(r, 'utf8')));
const text = (bytes: Buffer) => scanRecords(bytes, MAGIC).records.map((r) => Buffer.from(r.payload).toString('utf8'));
/** Offsets of each record in `file(RECORDS)`. */
const OFFSETS = RECORDS.reduce<number[]>((acc, r, i) => [...acc, i === 0 ? 16 : acc[i - 1]! + 8 + Buffer.byteLength(RECORDS[i - 1]!, 'utf8')], []);

describe('record file layout', () => {
  it('is a 16-byte header (magic, version 1, CRC-32C of bytes 0-11), then length u32 | CRC-32C u32 | payload per record', () => {
    const bytes = file(['ab', 'cde']);
    expect(bytes.length).toBe(16 + 8 + 2 + 8 + 3);
    expect(bytes.toString('latin1', 0, 8)).toBe(MAGIC);
    expect(bytes.readUInt32LE(8)).toBe(1);
    expect(bytes.readUInt32LE(12)).toBe(crc32c(bytes, 0, 12));
    expect(bytes.readUInt32LE(16)).toBe(2);
    expect(bytes.readUInt32LE(20)).toBe(crc32c(Buffer.from('ab')));
    expect(bytes.toString('utf8', 24, 26)).toBe('ab');
    expect(bytes.readUInt32LE(26)).toBe(3);
    const scan = scanRecords(bytes, MAGIC);
    expect(scan).toMatchObject({ header: { kind: 'ok' }, damaged: [], tail: null, validEnd: bytes.length });
    expect(scan.records.map((r) => [r.offset, r.end])).toEqual([
      [16, 26],
      [26, 37],
    ]);
  });
});

describe('record file damage', () => {
  it('a torn last record at every cut offset is a tail, every earlier record is kept', () => {
    const whole = file(RECORDS);
    const last = OFFSETS.at(-1)!;
    for (let cut = last + 1; cut < whole.length; cut++) {
      const scan = scanRecords(whole.subarray(0, cut), MAGIC);
      expect(scan.records.length, `cut at ${cut}`).toBe(3);
      expect(scan.tail, `cut at ${cut}`).toEqual({ offset: last, end: cut });
      expect(scan.damaged).toEqual([]);
    }
  });

  it('any flipped byte of a middle record (length, CRC or payload) costs that record only: the reader resynchronises', () => {
    const whole = file(RECORDS);
    for (let at = OFFSETS[1]!; at < OFFSETS[2]!; at++) {
      const damaged = Buffer.from(whole);
      damaged[at] = damaged[at]! ^ 0x41;
      const scan = scanRecords(damaged, MAGIC);
      expect(text(damaged), `byte ${at}`).toEqual([RECORDS[0], RECORDS[2], RECORDS[3]]);
      expect(scan.damaged, `byte ${at}`).toEqual([{ offset: OFFSETS[1], end: OFFSETS[2] }]);
      expect(scan.tail).toBeNull();
    }
  });

  it('a length field grown past the end of the file does not take the later records with it', () => {
    const damaged = file(RECORDS);
    damaged.writeUInt32LE(1_000_000, OFFSETS[0]!);
    expect(text(damaged)).toEqual(RECORDS.slice(1));
  });

  it('reads the records after a damaged or zero-filled header (they carry their own CRCs)', () => {
    for (const damage of [(b: Buffer) => b.fill(0, 0, 16), (b: Buffer) => void (b[15] = b[15]! ^ 0x80), (b: Buffer) => void (b[2] = 0x58)]) {
      const bytes = file(RECORDS);
      damage(bytes);
      const scan = scanRecords(bytes, MAGIC);
      expect(scan.header.kind).toBe('damaged');
      expect(text(bytes)).toEqual(RECORDS);
    }
    const zeroed = file(RECORDS).fill(0, 0, OFFSETS[2]! + 3);
    expect(text(zeroed)).toEqual([RECORDS[3]]);
    expect(scanRecords(zeroed, MAGIC).damaged).toEqual([{ offset: 16, end: OFFSETS[3] }]);
  });

  it('another magic is a damaged header; another version under a good CRC is unsupported and not read', () => {
    expect(scanRecords(file(['x']), 'CAIRNDEF').header.kind).toBe('damaged');
    const v2 = file(['x']);
    v2.writeUInt32LE(2, 8);
    v2.writeUInt32LE(crc32c(v2, 0, 12), 12);
    expect(scanRecords(v2, MAGIC)).toMatchObject({ header: { kind: 'unsupported', version: 2 }, records: [] });
  });

  it('a file shorter than its header is short, and zero bytes after the records are a tail', () => {
    expect(scanRecords(file([]).subarray(0, 7), MAGIC).header.kind).toBe('short');
    const zeros = Buffer.concat([file(['a']), Buffer.alloc(16)]);
    expect(scanRecords(zeros, MAGIC)).toMatchObject({ tail: { offset: 25, end: 41 }, damaged: [] });
  });
});
