import { describe, expect, it } from 'vitest';
import { parseAuxv } from '../../../../src/sources/host/linux/system-constants.js';
import { decodeOctalEscapes, keyedLineValue, lines, splitFields } from '../../../../src/sources/host/linux/proc-text.js';

describe('splitFields', () => {
  it('splits on runs of spaces and tabs and ignores the ends', () => {
    expect(splitFields('  8   0 sda\t4000  ')).toEqual(['8', '0', 'sda', '4000']);
    expect(splitFields('')).toEqual([]);
    expect(splitFields(' \t ')).toEqual([]);
  });

  it('stops after the limit', () => {
    expect(splitFields('a b c d', 2)).toEqual(['a', 'b']);
    expect(splitFields('a b', 5)).toEqual(['a', 'b']);
  });
});

describe('lines', () => {
  it('drops only the empty line after the final newline', () => {
    expect(lines('a\nb\n')).toEqual(['a', 'b']);
    expect(lines('a\n\nb')).toEqual(['a', '', 'b']);
  });
});

describe('decodeOctalEscapes', () => {
  it('decodes the escapes the kernel writes for blanks and backslashes', () => {
    expect(decodeOctalEscapes('/media/My\\040Disk')).toBe('/media/My Disk');
    expect(decodeOctalEscapes('/a\\011b\\012c\\134d')).toBe('/a\tb\nc\\d');
    expect(decodeOctalEscapes('\\040\\040')).toBe('  ');
  });

  it('leaves anything else alone', () => {
    expect(decodeOctalEscapes('/plain')).toBe('/plain');
    expect(decodeOctalEscapes('/not\\8xx')).toBe('/not\\8xx');
    expect(decodeOctalEscapes('/end\\04')).toBe('/end\\04');
  });
});

describe('keyedLineValue', () => {
  const text = 'cpu 1 2\nbtime 1700000000\nprocesses 5\n';
  it('finds a key on any line, the first one included', () => {
    expect(keyedLineValue(text, 'btime', '/proc/stat')).toBe(1700000000);
    expect(keyedLineValue(text, 'processes', '/proc/stat')).toBe(5);
    expect(keyedLineValue('btime 7', 'btime', '/proc/stat')).toBe(7);
  });

  it('names the file and the key when the line is missing or bad', () => {
    expect(() => keyedLineValue(text, 'procs_running', '/x/proc/stat')).toThrow('malformed /x/proc/stat: no procs_running line');
    expect(() => keyedLineValue('btime x\n', 'btime', '/proc/stat')).toThrow('/proc/stat: btime is "x"');
  });
});

describe('parseAuxv', () => {
  const auxv = (pairs: [number, number][], wordBytes: 4 | 8): Buffer => {
    const buf = Buffer.alloc((pairs.length + 1) * 2 * wordBytes);
    pairs.forEach(([k, v], i) => {
      const at = i * 2 * wordBytes;
      if (wordBytes === 8) {
        buf.writeBigUInt64LE(BigInt(k), at);
        buf.writeBigUInt64LE(BigInt(v), at + 8);
      } else {
        buf.writeUInt32LE(k, at);
        buf.writeUInt32LE(v, at + 4);
      }
    });
    return buf;
  };

  it('reads AT_CLKTCK and AT_PAGESZ from 64-bit and 32-bit vectors', () => {
    expect(parseAuxv(auxv([[33, 1], [6, 16384], [17, 100]], 8), true)).toEqual({ clockTicksPerSecond: 100, pageSizeBytes: 16384 });
    expect(parseAuxv(auxv([[6, 4096], [17, 250]], 4), true)).toEqual({ clockTicksPerSecond: 250, pageSizeBytes: 4096 });
  });

  it('falls back to 100 Hz and 4 KiB pages when the vector makes no sense', () => {
    expect(parseAuxv(Buffer.alloc(0), true)).toEqual({ clockTicksPerSecond: 100, pageSizeBytes: 4096 });
    expect(parseAuxv(auxv([[6, 3000], [17, 100]], 8), true)).toEqual({ clockTicksPerSecond: 100, pageSizeBytes: 4096 });
  });
});
