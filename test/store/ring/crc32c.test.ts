// CRC-32C (Castagnoli) against published vectors (RFC 3720 B.4) and a bit-at-a-time reference.
import { describe, expect, it } from 'vitest';
import { crc32c } from '../../../src/store/ring/index.js';
import { Rng } from './ring-fixture.js';

function reference(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

describe('crc32c', () => {
  it('matches the published check values', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(0))).toBe(0);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i))).toBe(0x113fdb5c);
  });

  it('agrees with the bitwise reference on every length up to 200 and every alignment, views included', () => {
    const rng = new Rng(60);
    const buf = Uint8Array.from({ length: 220 }, () => rng.int(0, 255));
    for (let start = 0; start < 9; start++) {
      for (let len = 0; len <= 200; len++) {
        const expected = reference(buf.subarray(start, start + len));
        expect(crc32c(buf, start, start + len)).toBe(expected);
        expect(crc32c(buf.subarray(start, start + len))).toBe(expected);
        expect(crc32c(buf.subarray(1), start - 1 < 0 ? 0 : start - 1, start - 1 < 0 ? len : start - 1 + len)).toBe(reference(buf.subarray(1).subarray(Math.max(0, start - 1), Math.max(0, start - 1) + len)));
      }
    }
  });

  it('continues a checksum across ranges through the seed', () => {
    const rng = new Rng(61);
    const buf = Uint8Array.from({ length: 1000 }, () => rng.int(0, 255));
    for (const split of [0, 1, 7, 8, 9, 500, 999, 1000]) expect(crc32c(buf, split, 1000, crc32c(buf, 0, split))).toBe(crc32c(buf));
  });
});
