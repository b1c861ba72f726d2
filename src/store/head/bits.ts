/**
 * Bit-level writes and reads MSB first, at absolute bit positions from a byte offset `base`.
 * Writes OR into bytes that must be zero (regions are zeroed when handed out), so appending
 * never reads back what it wrote.
 */

/** Writes the low `n` bits of `value` (n ≤ 32). */
export function putBits(buf: Uint8Array, base: number, pos: number, value: number, n: number): void {
  while (n > 0) {
    const room = 8 - (pos & 7);
    const take = n < room ? n : room;
    n -= take;
    const at = base + (pos >>> 3);
    buf[at] = buf[at]! | (((value >>> n) & ((1 << take) - 1)) << (room - take));
    pos += take;
  }
}

/** Reads `n` bits (n ≤ 32) as an unsigned number. */
export function getBits(buf: Uint8Array, base: number, pos: number, n: number): number {
  let out = 0;
  while (n > 0) {
    const room = 8 - (pos & 7);
    const take = n < room ? n : room;
    const bits = (buf[base + (pos >>> 3)]! >>> (room - take)) & ((1 << take) - 1);
    out = out * (1 << take) + bits;
    n -= take;
    pos += take;
  }
  return out;
}

/** The `n`-bit two's complement field (n < 32) read back as a signed number. */
export function signExtend(x: number, n: number): number {
  return (x << (32 - n)) >> (32 - n);
}

/** Leading one bits before the first zero, at most `max`. */
export function countOnes(buf: Uint8Array, base: number, pos: number, max: number): number {
  let n = 0;
  while (n < max && ((buf[base + ((pos + n) >>> 3)]! >>> (7 - ((pos + n) & 7))) & 1) === 1) n++;
  return n;
}

/** Scratch for a float's exact bits (NaN payloads such as the stale marker included). */
export const f64 = new Float64Array(1);
export const words = new Uint32Array(f64.buffer);
export const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
export const LO = 1 - HI;

/** Writes a float's raw bits (high word first); returns the new position. */
export function putRaw(buf: Uint8Array, base: number, pos: number, v: number): number {
  f64[0] = v;
  putBits(buf, base, pos, words[HI]!, 32);
  putBits(buf, base, pos + 32, words[LO]!, 32);
  return pos + 64;
}

/** Reads raw bits written by putRaw into element i of `outWords` (a Uint32Array over float64s). */
export function getRaw(buf: Uint8Array, base: number, pos: number, outWords: Uint32Array, i: number): void {
  outWords[2 * i + HI] = getBits(buf, base, pos, 32);
  outWords[2 * i + LO] = getBits(buf, base, pos + 32, 32);
}
