// The bytes on disk, checked against docs/format/datafile.md and journal.md with nothing but the spec.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crc32c, DatafileRing, parseRingFileName, ringFileName, toFileNumber } from '../../../src/store/ring/index.js';
import { CountingCodec, ringOptions, withTempDir } from './ring-fixture.js';

const ascii = (b: Buffer, at: number): string => b.subarray(at, at + 4).toString('latin1');

describe('ring file formats', () => {
  it('writes the documented headers, extent and journal entry', async () => {
    await withTempDir(async (dir) => {
      const compress = async (raw: Uint8Array): Promise<Uint8Array> => Uint8Array.of(9, ...raw);
      const { ring } = await DatafileRing.open({ ...ringOptions(dir, new CountingCodec(), { tier: 2 }), compress, decompress: (b) => b.subarray(1) });
      const pages = [
        { meta: { seriesRef: 7, minT: 1_700_000_000_000, maxT: 1_700_000_060_000, count: 3 }, bytes: Uint8Array.of(1, 2, 3) },
        { meta: { seriesRef: 8, minT: -5, maxT: 2 ** 40, count: 1 }, bytes: Uint8Array.of(4, 5) },
      ];
      const [loc] = await ring.appendExtent(pages);
      await ring.close();

      const data = await readFile(join(dir, '00000001.cdf'));
      const journal = await readFile(join(dir, '00000001.cjf'));
      for (const [file, magic] of [[data, 'CDAT'], [journal, 'CJNL']] as const) {
        expect(ascii(file, 0)).toBe(magic);
        expect(file.readUInt16LE(4)).toBe(1); // format version
        expect(file.readUInt8(6)).toBe(2); // tier
        expect(file.readUInt8(7)).toBe(0);
        expect(file.readUInt32LE(8)).toBe(1); // file number
        expect(Math.abs(Number(file.readBigInt64LE(12)) - Date.now())).toBeLessThan(60_000);
        expect(file.subarray(20, 28)).toEqual(Buffer.alloc(8));
        expect(file.readUInt32LE(28)).toBe(crc32c(file, 0, 28));
      }

      // Extent at 32: prefix, two 28-byte descriptors, header CRC, payload, payload CRC.
      const e = 32;
      const headerEnd = e + 16 + 2 * 28;
      expect(loc).toEqual({ file: 1, extentOffset: 32, extentLength: 16 + 56 + 4 + 6 + 4, rawLength: 5, pageOffset: 0, pageLength: 3 });
      expect(ascii(data, e)).toBe('CEXT');
      expect([data.readUInt32LE(e + 4), data.readUInt32LE(e + 8), data.readUInt32LE(e + 12)]).toEqual([6, 5, 2]);
      expect(data.readUInt32LE(e + 16)).toBe(7);
      expect(data.readBigInt64LE(e + 20)).toBe(1_700_000_000_000n);
      expect(data.readBigInt64LE(e + 28)).toBe(1_700_000_060_000n);
      expect([data.readUInt32LE(e + 36), data.readUInt32LE(e + 40)]).toEqual([3, 3]);
      expect(data.readBigInt64LE(e + 48)).toBe(-5n);
      expect(data.readBigInt64LE(e + 56)).toBe(2n ** 40n);
      expect(data.readUInt32LE(headerEnd)).toBe(crc32c(data, e, headerEnd));
      expect([...data.subarray(headerEnd + 4, headerEnd + 10)]).toEqual([9, 1, 2, 3, 4, 5]);
      expect(data.readUInt32LE(headerEnd + 10)).toBe(crc32c(data, headerEnd + 4, headerEnd + 10));
      expect(data.length).toBe(headerEnd + 14);

      // Journal entry at 32: length, extent offset, verbatim copy of the extent header, CRC.
      const entryLength = journal.readUInt32LE(32);
      expect(entryLength).toBe(12 + 16 + 56);
      expect(journal.readUInt32LE(36)).toBe(32);
      expect(journal.subarray(40, 40 + 72)).toEqual(data.subarray(e, headerEnd));
      expect(journal.readUInt32LE(32 + entryLength - 4)).toBe(crc32c(journal, 32, 32 + entryLength - 4));
      expect(journal.length).toBe(32 + entryLength);
    });
  });

  it('names files with eight or more digits and recognises only canonical names', () => {
    expect(ringFileName(toFileNumber(1), 'datafile')).toBe('00000001.cdf');
    expect(ringFileName(toFileNumber(123456789), 'journal')).toBe('123456789.cjf');
    expect(parseRingFileName('00000042.cjf')).toEqual({ file: 42, kind: 'journal' });
    for (const name of ['00000000.cdf', '000000042.cdf', '0000042.cdf', '00000042.cdf.tmp', 'x0000042.cdf', '4294967296.cdf']) {
      expect(parseRingFileName(name)).toBeNull();
    }
    expect(() => toFileNumber(0)).toThrow(RangeError);
  });
});
