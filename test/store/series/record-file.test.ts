// RecordFile (docs/format/series.md): header, CRC-checked records, torn tails, corrupt records.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../../src/errors/index.js';
import { crc32c } from '../../../src/store/encoding/crc32c.js';
import { RecordFile } from '../../../src/store/series/index.js';
import { expectCairnError, tempDir } from '../../support/store-units.js';

const MAGIC = 'CAIRNTST';
const CODE = ErrorCodes.SERIES_FILE_CORRUPT;
const open = (path: string) => RecordFile.open(path, MAGIC, CODE);
const text = (records: readonly Uint8Array[]) => records.map((r) => Buffer.from(r).toString('utf8'));
const payload = (s: string) => Buffer.from(s, 'utf8');

/** The records of the file at `path` as text (opened and closed again). */
function reread(path: string): string[] {
  const { file, records } = open(path);
  file.close();
  return text(records);
}

/** A file holding `records`, each written by its own append; returns its path and the offset of every record. */
function fileWith(records: readonly string[]): { path: string; offsets: number[] } {
  const path = join(tempDir(), 'f.rec');
  const { file } = open(path);
  const offsets: number[] = [];
  for (const r of records) {
    offsets.push(file.sizeBytes);
    file.append([payload(r)]);
  }
  file.close();
  return { path, offsets };
}

const RECORDS = ['first', 'the second record', 'third: ünïcode ✓', 'x'];

describe('RecordFile layout', () => {
  it('creates a 16-byte header: magic, version 1, CRC-32C of bytes 0-11', () => {
    const path = join(tempDir(), 'new.rec');
    const { file, records, stats } = open(path);
    file.close();
    expect(records).toEqual([]);
    expect(stats).toEqual({ records: 0, corruptSkipped: 0, tornBytesTruncated: 0 });
    const bytes = readFileSync(path);
    expect(bytes.length).toBe(16);
    expect(bytes.toString('latin1', 0, 8)).toBe(MAGIC);
    expect(bytes.readUInt32LE(8)).toBe(1);
    expect(bytes.readUInt32LE(12)).toBe(crc32c(bytes, 0, 12));
  });

  it('frames records as length u32, CRC-32C of the payload u32, payload', () => {
    const { path } = fileWith(['ab', 'cde']);
    const bytes = readFileSync(path);
    expect(bytes.length).toBe(16 + 8 + 2 + 8 + 3);
    expect(bytes.readUInt32LE(16)).toBe(2);
    expect(bytes.readUInt32LE(20)).toBe(crc32c(payload('ab')));
    expect(bytes.toString('utf8', 24, 26)).toBe('ab');
    expect(bytes.readUInt32LE(26)).toBe(3);
    expect(bytes.readUInt32LE(30)).toBe(crc32c(payload('cde')));
  });

  it('returns every record in order after reopen, including several from one append', () => {
    const { path } = fileWith(RECORDS);
    const a = open(path);
    expect(text(a.records)).toEqual(RECORDS);
    expect(a.stats).toEqual({ records: 4, corruptSkipped: 0, tornBytesTruncated: 0 });
    a.file.append([payload('five'), payload('six')]);
    a.file.close();
    const b = open(path);
    expect(text(b.records)).toEqual([...RECORDS, 'five', 'six']);
    expect(b.file.sizeBytes).toBe(statSync(path).size);
    b.file.close();
  });
});

describe('RecordFile recovery', () => {
  it('drops a torn last record at every cut offset, truncates the file, and appends after it', () => {
    const { path, offsets } = fileWith(RECORDS);
    const whole = readFileSync(path);
    const last = offsets.at(-1)!;
    for (let cut = last; cut < whole.length; cut++) {
      writeFileSync(path, whole.subarray(0, cut));
      const { file, records, stats } = open(path);
      expect(text(records), `cut at ${cut}`).toEqual(RECORDS.slice(0, -1));
      expect(stats.tornBytesTruncated, `cut at ${cut}`).toBe(cut - last);
      expect(statSync(path).size, `cut at ${cut}`).toBe(last);
      file.append([payload('after')]);
      file.close();
      expect(reread(path), `cut at ${cut}`).toEqual([...RECORDS.slice(0, -1), 'after']);
    }
  });

  it('skips a middle record with a flipped payload or CRC byte, counts it, keeps the others', () => {
    const { path, offsets } = fileWith(RECORDS);
    const whole = readFileSync(path);
    const start = offsets[1]!;
    const end = offsets[2]!;
    for (let at = start + 4; at < end; at++) {
      const damaged = Buffer.from(whole);
      damaged[at] = damaged[at]! ^ 0x01;
      writeFileSync(path, damaged);
      const { file, records, stats } = open(path);
      file.close();
      expect(text(records), `byte ${at}`).toEqual([RECORDS[0], RECORDS[2], RECORDS[3]]);
      expect(stats, `byte ${at}`).toEqual({ records: 3, corruptSkipped: 1, tornBytesTruncated: 0 });
      expect(statSync(path).size).toBe(whole.length);
    }
  });

  it.each([
    ['a wrong magic', (b: Buffer) => void (b[0] = 0x58)],
    ['a wrong version under a wrong CRC', (b: Buffer) => void (b[8] = 2)],
    ['a flipped header CRC', (b: Buffer) => void (b[15] = b[15]! ^ 0x80)],
  ])('refuses a header with %s: CairnError naming the path, file left as it was', (_, damage) => {
    const { path } = fileWith(['keep']);
    const bytes = readFileSync(path);
    damage(bytes);
    writeFileSync(path, bytes);
    expectCairnError(() => open(path), CODE, path);
    expect(readFileSync(path)).toEqual(bytes);
  });

  it('refuses a file written with another magic', () => {
    const { path } = fileWith(['x']);
    expectCairnError(() => RecordFile.open(path, 'CAIRNDEF', CODE), CODE, 'CAIRNDEF');
  });

  it('starts over a file shorter than its header', () => {
    const { path } = fileWith([]);
    writeFileSync(path, readFileSync(path).subarray(0, 7));
    const { file, records, stats } = open(path);
    expect(records).toEqual([]);
    expect(stats.tornBytesTruncated).toBe(7);
    file.append([payload('fresh')]);
    file.close();
    expect(reread(path)).toEqual(['fresh']);
  });
});
