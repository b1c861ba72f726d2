// RecordPair (docs/format/series.md, "Two copies"): every record in both copies, and damage to
// one copy repaired from the other on open; what no copy holds is counted as lost, once.
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../../src/errors/index.js';
import { crc32c } from '../../../src/store/encoding/crc32c.js';
import { RecordPair } from '../../../src/store/series/index.js';
import { expectCairnError, tempDir } from '../../support/store-units.js';

const MAGIC = 'CAIRNTST';
const RECORDS = ['first', 'the second record', 'third: ünïcode ✓', 'x'];
const payload = (s: string) => Buffer.from(s, 'utf8');

function paths(): { main: string; copy: string } {
  const dir = tempDir();
  return { main: join(dir, 'f.rec'), copy: join(dir, 'f-copy.rec') };
}
const open = (p: { main: string; copy: string }) => RecordPair.open(p.main, p.copy, MAGIC);

/** The records of the pair as text (opened and closed again), with the open's stats. */
function reread(p: { main: string; copy: string }) {
  const { pair, records, stats } = open(p);
  pair.close();
  return { text: records.map((r) => Buffer.from(r.payload).toString('utf8')), stats };
}

/** A pair holding `records`, one append each; the offset of every record. */
function pairWith(records: readonly string[]): { main: string; copy: string; offsets: number[] } {
  const p = paths();
  const { pair } = open(p);
  const offsets: number[] = [];
  for (const r of records) {
    offsets.push(pair.sizeBytes / 2);
    pair.append([payload(r)]);
  }
  pair.close();
  return { ...p, offsets };
}

function flip(path: string, at: number, mask = 0x41): void {
  const bytes = readFileSync(path);
  bytes[at] = bytes[at]! ^ mask;
  writeFileSync(path, bytes);
}

describe('RecordPair writing', () => {
  it('writes every record to both copies, byte for byte, and reads them back in order', () => {
    const p = pairWith(RECORDS);
    expect(readFileSync(p.copy)).toEqual(readFileSync(p.main));
    const { pair, records, stats } = open(p);
    expect(records.map((r) => Buffer.from(r.payload).toString())).toEqual(RECORDS);
    expect(stats).toEqual({ records: 4, corruptSkipped: 0, repaired: 0, tornBytesTruncated: 0, damage: [] });
    expect(pair.sizeBytes).toBe(2 * statSync(p.main).size);
    pair.append([payload('five'), payload('six')]);
    pair.close();
    expect(reread(p).text).toEqual([...RECORDS, 'five', 'six']);
  });

  it('creates both copies of a new file with a 16-byte header', () => {
    const p = paths();
    open(p).pair.close();
    for (const f of [p.main, p.copy]) {
      const bytes = readFileSync(f);
      expect(bytes.length).toBe(16);
      expect(bytes.toString('latin1', 0, 8)).toBe(MAGIC);
      expect(bytes.readUInt32LE(12)).toBe(crc32c(bytes, 0, 12));
      expect(statSync(f).mode & 0o777).toBe(0o600);
    }
  });
});

describe('RecordPair repair', () => {
  it('any damaged byte of a record in one copy: restored from the other, counted once as repaired, nothing lost', () => {
    const p = pairWith(RECORDS);
    const whole = readFileSync(p.main);
    for (const victim of [p.main, p.copy]) {
      for (let at = p.offsets[1]!; at < p.offsets[2]!; at++) {
        writeFileSync(p.main, whole);
        writeFileSync(p.copy, whole);
        flip(victim, at);
        const { text, stats } = reread(p);
        expect(text, `${victim} byte ${at}`).toEqual(RECORDS);
        expect(stats, `${victim} byte ${at}`).toMatchObject({ corruptSkipped: 0, repaired: 1, tornBytesTruncated: 0 });
        expect(stats.damage).toEqual([{ file: victim, offset: p.offsets[1], bytes: p.offsets[2]! - p.offsets[1]!, outcome: 'repaired', reason: expect.any(String) }]);
        // Rewritten: both copies identical again, so the next open finds nothing.
        expect(readFileSync(victim)).toEqual(whole);
        expect(reread(p).stats.repaired).toBe(0);
      }
    }
  });

  it('different records damaged in each copy: all restored', () => {
    const p = pairWith(RECORDS);
    flip(p.main, p.offsets[0]! + 9);
    flip(p.copy, p.offsets[2]! + 2);
    const { text, stats } = reread(p);
    expect(text).toEqual(RECORDS);
    expect(stats).toMatchObject({ corruptSkipped: 0, repaired: 2 });
  });

  it('the same record damaged in both copies: lost and counted once, every other record kept', () => {
    const p = pairWith(RECORDS);
    flip(p.main, p.offsets[1]! + 10);
    flip(p.copy, p.offsets[1]! + 1);
    const { text, stats } = reread(p);
    expect(text).toEqual([RECORDS[0], RECORDS[2], RECORDS[3]]);
    expect(stats).toMatchObject({ corruptSkipped: 1, repaired: 0 });
    expect(stats.damage).toEqual([{ file: p.main, offset: p.offsets[1], bytes: p.offsets[2]! - p.offsets[1]!, outcome: 'lost', reason: expect.any(String) }]);
    // Counted once: the rewritten copies no longer hold the damaged bytes.
    expect(reread(p).stats).toMatchObject({ corruptSkipped: 0, repaired: 0 });
    expect(reread(p).text).toEqual([RECORDS[0], RECORDS[2], RECORDS[3]]);
  });

  it.each([
    ['random bytes over the header', (b: Buffer) => b.fill(0x5a, 0, 16)],
    ['zeros over the header and the first records', (b: Buffer) => b.fill(0, 0, 40)],
    ['the whole file zeroed', (b: Buffer) => b.fill(0)],
    ['a version 0 header', (b: Buffer) => void b.writeUInt32LE(0, 8)],
  ])('%s in one copy: everything restored from the other', (_, damage) => {
    const p = pairWith(RECORDS);
    const bytes = readFileSync(p.main);
    damage(bytes);
    writeFileSync(p.main, bytes);
    const { text, stats } = reread(p);
    expect(text).toEqual(RECORDS);
    expect(stats.corruptSkipped).toBe(0);
    expect(stats.repaired).toBeGreaterThanOrEqual(1);
    expect(readFileSync(p.main)).toEqual(readFileSync(p.copy));
  });

  it('a missing main copy is restored and counted; a missing second copy (a store from before copies) is recreated silently', () => {
    const p = pairWith(RECORDS);
    rmSync(p.main);
    expect(reread(p)).toMatchObject({ text: RECORDS, stats: { repaired: 1, corruptSkipped: 0 } });
    rmSync(p.copy);
    expect(reread(p)).toMatchObject({ text: RECORDS, stats: { repaired: 0, corruptSkipped: 0 } });
    expect(readFileSync(p.copy)).toEqual(readFileSync(p.main));
  });

  it('a torn append in one copy (crash between the two writes): the record is kept, the other copy completed', () => {
    const p = pairWith(RECORDS);
    for (let cut = p.offsets[3]!; cut < statSync(p.main).size; cut++) {
      const whole = readFileSync(p.main);
      writeFileSync(p.copy, whole.subarray(0, cut));
      const { text, stats } = reread(p);
      expect(text, `cut at ${cut}`).toEqual(RECORDS);
      expect(stats, `cut at ${cut}`).toMatchObject({ corruptSkipped: 0, repaired: 0, tornBytesTruncated: cut - p.offsets[3]! });
      expect(readFileSync(p.copy)).toEqual(whole);
    }
  });

  it('a torn append in both copies is cut off, not counted', () => {
    const p = pairWith(RECORDS);
    const whole = readFileSync(p.main);
    writeFileSync(p.main, whole.subarray(0, p.offsets[3]! + 5));
    writeFileSync(p.copy, whole.subarray(0, p.offsets[3]! + 3));
    const { text, stats } = reread(p);
    expect(text).toEqual(RECORDS.slice(0, 3));
    expect(stats).toMatchObject({ corruptSkipped: 0, repaired: 0, tornBytesTruncated: 8 });
    expect(statSync(p.main).size).toBe(p.offsets[3]);
  });

  it('refuses a copy of another format version, naming it, and leaves both files alone', () => {
    const p = pairWith(['x']);
    const v2 = readFileSync(p.copy);
    v2.writeUInt32LE(2, 8);
    v2.writeUInt32LE(crc32c(v2, 0, 12), 12);
    writeFileSync(p.copy, v2);
    const main = readFileSync(p.main);
    expectCairnError(() => open(p), ErrorCodes.STORE_FORMAT_UNSUPPORTED, p.copy);
    expect(readFileSync(p.copy)).toEqual(v2);
    expect(readFileSync(p.main)).toEqual(main);
  });

  it('refuses when no copy can be read at all, naming the file and what to do', () => {
    const p = paths();
    writeFileSync(p.copy, 'x');
    rmSync(p.copy);
    // A directory where the file should be: EISDIR on read, whoever runs the test.
    mkdirSync(p.main);
    expect(existsSync(p.copy)).toBe(false);
    expectCairnError(() => open(p), ErrorCodes.SERIES_FILE_CORRUPT, p.main);
  });
});
