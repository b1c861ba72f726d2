// CRC-32C (Castagnoli): standard check values, chaining through the seed, and agreement of
// the slicing-by-8 loop with a bit-at-a-time reference on every length and alignment.
import { describe, expect, it } from 'vitest';
import { crc32c } from '../../../src/store/encoding/index.js';
import { Rng } from './page-fixtures.js';

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

function reference(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

describe('crc32c', () => {
  it('gives the standard check value for "123456789"', () => {
    expect(crc32c(ascii('123456789'))).toBe(0xe3069283);
  });

  it('matches published vectors (RFC 3720 B.4, empty input)', () => {
    expect(crc32c(new Uint8Array(0))).toBe(0);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i))).toBe(0x113fdb5c);
  });

  it('is unsigned', () => {
    const rng = new Rng(7);
    for (let i = 0; i < 200; i++) {
      const crc = crc32c(rng.bytes(rng.int(40)));
      expect(Number.isInteger(crc) && crc >= 0 && crc <= 0xffffffff).toBe(true);
    }
  });

  it('agrees with a bitwise reference on every length and sub-range', () => {
    const rng = new Rng(8);
    const buf = rng.bytes(300);
    for (let len = 0; len <= 70; len++) {
      for (const start of [0, 1, 3, 7]) {
        expect(crc32c(buf, start, start + len)).toBe(reference(buf.subarray(start, start + len)));
      }
    }
    expect(crc32c(buf)).toBe(reference(buf));
  });

  it('chains: the CRC of a then b equals crc32c(b, 0, n, crc32c(a))', () => {
    const rng = new Rng(9);
    for (let i = 0; i < 50; i++) {
      const whole = rng.bytes(1 + rng.int(200));
      const cut = rng.int(whole.length + 1);
      const first = crc32c(whole, 0, cut);
      expect(crc32c(whole, cut, whole.length, first)).toBe(crc32c(whole));
    }
  });
});
