/**
 * 64-bit hashing as two 32-bit lanes (murmur3-style mixing with different constants per lane).
 * No allocation on the hot path: results land in `hashOut` and are read right after the call.
 */
export const hashOut = { hi: 0, lo: 0 };

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;
const D1 = 0x85ebca77;
const D2 = 0xc2b2ae3d;

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Hash bytes [start, end) of `buf`, continuing from seed lanes. */
export function hashBytes(buf: Uint8Array, start: number, end: number, seedHi: number, seedLo: number): void {
  let a = seedHi | 0;
  let b = seedLo | 0;
  let i = start;
  const whole = start + ((end - start) & ~3);
  for (; i < whole; i += 4) {
    const k = buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24);
    a = lane(a, k, C1, C2);
    b = lane(b, k, D1, D2);
  }
  const rest = end - i;
  if (rest > 0) {
    let k = buf[i]!;
    if (rest > 1) k ^= buf[i + 1]! << 8;
    if (rest > 2) k ^= buf[i + 2]! << 16;
    a ^= Math.imul(rotl(Math.imul(k, C1), 15), C2);
    b ^= Math.imul(rotl(Math.imul(k, D1), 17), D2);
  }
  const len = end - start;
  hashOut.hi = fmix((a ^ len) + Math.imul(b, 3));
  hashOut.lo = fmix((b ^ len) + Math.imul(a, 5));
}

/** Fold one 32-bit word into both lanes of an existing hash (e.g. an enum or a flag). */
export function hashWord(seedHi: number, seedLo: number, word: number): void {
  hashOut.hi = fmix(lane(seedHi, word, C1, C2));
  hashOut.lo = fmix(lane(seedLo, word, D1, D2));
}

/**
 * Hash a sequence of strings by UTF-16 code unit, each terminated so ("ab","c") != ("a","bc").
 * Used for canonical series identity, computed from decoded strings on cache misses only.
 */
export function hashStrings(parts: readonly string[], seedHi = 0x9747b28c, seedLo = 0x5bd1e995): void {
  let a = seedHi | 0;
  let b = seedLo | 0;
  for (const s of parts) {
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      a = lane(a, c, C1, C2);
      b = lane(b, c, D1, D2);
    }
    a = lane(a, 0x10000 + s.length, C1, C2);
    b = lane(b, 0x10000 + s.length, D1, D2);
  }
  hashOut.hi = fmix(a ^ parts.length);
  hashOut.lo = fmix(b + parts.length);
}

function lane(h: number, k: number, m1: number, m2: number): number {
  k = Math.imul(k, m1);
  k = rotl(k, 15);
  k = Math.imul(k, m2);
  h ^= k;
  h = rotl(h, 13);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}
