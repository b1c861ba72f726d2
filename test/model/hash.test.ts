// The 64-bit (two-lane) hashes behind series identity, and the 53-bit series key.
import { describe, expect, it } from 'vitest';
import { hashBytes, hashOut, hashStrings, hashWord, seriesKey } from '../../src/model/index.js';
import { Rng } from '../support/otlp-gen.js';

const SEED_HI = 0x2f0b3c4d;
const SEED_LO = 0x7a1e9d55;

function bytesHash(buf: Uint8Array, seedHi = SEED_HI, seedLo = SEED_LO, start = 0, end = buf.length): string {
  hashBytes(buf, start, end, seedHi, seedLo);
  return pair();
}
function stringsHash(parts: readonly string[], ...seeds: [number, number] | []): string {
  hashStrings(parts, ...seeds);
  return pair();
}
function pair(): string {
  expect(Number.isInteger(hashOut.hi) && hashOut.hi >= 0 && hashOut.hi <= 0xffffffff).toBe(true);
  expect(Number.isInteger(hashOut.lo) && hashOut.lo >= 0 && hashOut.lo <= 0xffffffff).toBe(true);
  return `${hashOut.hi.toString(16).padStart(8, '0')}${hashOut.lo.toString(16).padStart(8, '0')}`;
}

describe('hashBytes', () => {
  it('is deterministic and unaffected by calls in between', () => {
    const rng = new Rng(1);
    const a = rng.bytes(37);
    const first = bytesHash(a);
    bytesHash(rng.bytes(12));
    expect(bytesHash(Uint8Array.from(a))).toBe(first);
  });

  it('changes with every bit of every byte, for every length up to 40 (tail bytes included)', () => {
    const rng = new Rng(2);
    for (let len = 1; len <= 40; len++) {
      const buf = rng.bytes(len);
      const seen = new Set([bytesHash(buf)]);
      for (let i = 0; i < len; i++) {
        for (let bit = 0; bit < 8; bit++) {
          buf[i]! ^= 1 << bit;
          seen.add(bytesHash(buf));
          buf[i]! ^= 1 << bit;
        }
      }
      expect(seen.size, `length ${len}`).toBe(1 + 8 * len);
    }
  });

  it('changes with the length, trailing zero bytes included', () => {
    const seen = new Set<string>();
    for (let len = 0; len <= 64; len++) seen.add(bytesHash(new Uint8Array(len)));
    expect(seen.size).toBe(65);
    expect(bytesHash(Uint8Array.from([1, 2, 3]))).not.toBe(bytesHash(Uint8Array.from([1, 2, 3, 0])));
  });

  it('hashes only [start, end), whatever the alignment of the range', () => {
    const rng = new Rng(3);
    const host = rng.bytes(64);
    for (let start = 0; start < 8; start++) {
      for (const len of [0, 1, 3, 4, 5, 17]) {
        const copy = host.slice(start, start + len);
        expect(bytesHash(host, SEED_HI, SEED_LO, start, start + len), `${start}+${len}`).toBe(bytesHash(copy));
        expect(bytesHash(host.subarray(start), SEED_HI, SEED_LO, 0, len)).toBe(bytesHash(copy));
      }
    }
  });

  it('depends on both seed lanes, in both output lanes', () => {
    const buf = new Rng(4).bytes(11);
    hashBytes(buf, 0, buf.length, SEED_HI, SEED_LO);
    const base = { ...hashOut };
    for (const [hi, lo] of [[SEED_HI ^ 1, SEED_LO], [SEED_HI, SEED_LO ^ 0x80000000]]) {
      hashBytes(buf, 0, buf.length, hi!, lo!);
      expect(hashOut.hi, `seed ${hi} ${lo}`).not.toBe(base.hi);
      expect(hashOut.lo, `seed ${hi} ${lo}`).not.toBe(base.lo);
    }
  });

  it('chains: order of chained ranges matters, and one range is not two chained ranges', () => {
    const x = Uint8Array.from([1, 2, 3, 4, 5]);
    const y = Uint8Array.from([6, 7, 8]);
    const chain = (...parts: Uint8Array[]): string => {
      let hi = SEED_HI;
      let lo = SEED_LO;
      for (const p of parts) {
        hashBytes(p, 0, p.length, hi, lo);
        ({ hi, lo } = hashOut);
      }
      return pair();
    };
    expect(chain(x, y)).not.toBe(chain(y, x));
    expect(chain(x, y)).not.toBe(chain(Uint8Array.from([...x, ...y])));
    expect(chain(x, y)).not.toBe(chain(x.subarray(0, 4), Uint8Array.from([5, ...y])));
    expect(chain(x, new Uint8Array(0))).not.toBe(chain(x));
    expect(chain(x, y)).toBe(chain(x, y));
  });

  it('has no collisions and balanced output bits over 20,000 random inputs', () => {
    const rng = new Rng(5);
    const inputs = new Map<string, Uint8Array>();
    for (let i = 0; i < 20_000; i++) {
      const input = rng.bytes(rng.int(0, 24));
      inputs.set(Buffer.from(input).toString('hex'), input);
    }
    const seen = new Set<string>();
    const keys = new Set<number>();
    const ones = new Array<number>(64).fill(0);
    for (const input of inputs.values()) {
      seen.add(bytesHash(input));
      keys.add(seriesKey(hashOut.hi, hashOut.lo));
      for (let b = 0; b < 32; b++) {
        ones[b]! += (hashOut.hi >>> b) & 1;
        ones[32 + b]! += (hashOut.lo >>> b) & 1;
      }
    }
    expect(inputs.size).toBeGreaterThan(18_000); // short inputs repeat (one empty, 256 one-byte inputs)
    expect(seen.size).toBe(inputs.size);
    expect(keys.size).toBe(inputs.size);
    // Each output bit is set for half of the inputs, within 5.5 standard deviations.
    for (const count of ones) expect(Math.abs(count / inputs.size - 0.5)).toBeLessThan(0.02);
  });

  it('keeps its values across versions (stored series identities depend on them)', () => {
    expect(bytesHash(new Uint8Array(0))).toBe(GOLDEN.emptyBytes);
    expect(bytesHash(new TextEncoder().encode('cairn'))).toBe(GOLDEN.cairnBytes);
    expect(stringsHash(['http.server.duration', 'histogram'])).toBe(GOLDEN.strings);
  });
});

describe('hashWord', () => {
  it('folds a word into both lanes: every word and every seed gives a different hash', () => {
    const seen = new Set<string>();
    for (const word of [0, 1, 2, 0x10, 0x100, 0x80000000, 0xffffffff]) {
      hashWord(SEED_HI, SEED_LO, word);
      seen.add(pair());
      hashWord(SEED_HI + 1, SEED_LO, word);
      seen.add(pair());
    }
    expect(seen.size).toBe(14);
    hashWord(SEED_HI, SEED_LO, 7);
    const a = pair();
    hashWord(SEED_HI, SEED_LO, 7);
    expect(pair()).toBe(a);
  });
});

describe('hashStrings', () => {
  it('tells apart sequences that concatenate to the same text', () => {
    const cases: string[][] = [['ab', 'c'], ['a', 'bc'], ['abc'], ['abc', ''], ['', 'abc'], ['a', 'b', 'c'], [], [''], ['', ''], ['c', 'ab']];
    const hashes = cases.map((c) => stringsHash(c));
    expect(new Set(hashes).size).toBe(cases.length);
  });

  it('tells apart every UTF-16 code unit, surrogates included', () => {
    const seen = new Set<string>();
    for (const s of ['é', 'e\u0301', '\u00e9\u0000', '🚀', '\ud83d', '\ude80', 'a\u0000', 'a', '\u0000a']) seen.add(stringsHash([s]));
    expect(seen.size).toBe(9);
  });

  it('uses its default seeds unless given others, and is deterministic', () => {
    const parts = ['name', 'gauge', 'unspecified', '0'];
    expect(stringsHash(parts)).toBe(stringsHash(parts, 0x9747b28c, 0x5bd1e995));
    expect(stringsHash(parts, 1, 2)).not.toBe(stringsHash(parts));
    expect(stringsHash(parts, 1, 2)).toBe(stringsHash([...parts], 1, 2));
  });

  it('has no collisions over 20,000 label-like string lists', () => {
    const rng = new Rng(6);
    const inputs = new Set<string>();
    const hashes = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      const parts = Array.from({ length: rng.int(1, 6) }, () => String.fromCharCode(...Array.from({ length: rng.int(0, 5) }, () => rng.int(32, 0x7ff))));
      inputs.add(JSON.stringify(parts));
      hashes.add(stringsHash(parts));
    }
    expect(hashes.size).toBe(inputs.size);
  });
});

describe('seriesKey', () => {
  it('is a non-negative integer below 2^53 for every pair, extremes included', () => {
    const rng = new Rng(7);
    const pairs: [number, number][] = [[0, 0], [0xffffffff, 0xffffffff], [-1, -1], [0x80000000, 0], [0x1fffff, 0xffffffff], [-2147483648, -2147483648]];
    for (let i = 0; i < 1000; i++) pairs.push([Math.floor(rng.next() * 2 ** 32), Math.floor(rng.next() * 2 ** 32)]);
    for (const [hi, lo] of pairs) {
      const k = seriesKey(hi, lo);
      expect(Number.isSafeInteger(k) && k >= 0 && k < 2 ** 53, `${hi} ${lo} -> ${k}`).toBe(true);
    }
    expect(seriesKey(0xffffffff, 0xffffffff)).toBe(2 ** 53 - 1);
    expect(seriesKey(-1, -1)).toBe(2 ** 53 - 1);
  });

  it('keeps the low 21 bits of hi and all of lo', () => {
    expect(seriesKey(1, 0)).toBe(2 ** 32);
    expect(seriesKey(0, 5)).toBe(5);
    expect(seriesKey(0x00200000, 5)).toBe(5);
    expect(seriesKey(0x12345678, 0x9abcdef0)).toBe((0x12345678 & 0x1fffff) * 2 ** 32 + 0x9abcdef0);
  });
});

// Values of the current implementation; change only together with a migration of stored series.
const GOLDEN = { emptyBytes: '57bdf582faea47b0', cairnBytes: 'cfa2def8d54de340', strings: '96a2f3b5f904c74e' };
