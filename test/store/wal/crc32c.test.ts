// CRC-32C against published check values, and chaining through `seed`.
import { describe, expect, it } from 'vitest';
import { crc32c } from '../../../src/store/wal/index.js';
import { payload, rng } from './helpers.js';

/** The definition, one bit at a time: the reference the fast table version must match. */
function bitwise(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return ~crc >>> 0;
}

describe('crc32c', () => {
  it('matches the standard check values', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(0))).toBe(0);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa); // RFC 3720 B.4: 32 bytes of zeros
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43); // 32 bytes of ones
  });

  it('matches the bitwise definition for every length up to 100 and odd offsets', () => {
    const data = payload(rng(7), 200);
    for (let len = 0; len <= 100; len++) {
      for (const start of [0, 1, 3, 7]) expect(crc32c(data, start, start + len)).toBe(bitwise(data.subarray(start, start + len)));
    }
  });

  it('chains through seed', () => {
    const data = payload(rng(8), 1000);
    for (const cut of [0, 1, 9, 500, 999, 1000]) expect(crc32c(data, cut, 1000, crc32c(data, 0, cut))).toBe(crc32c(data));
  });
});
