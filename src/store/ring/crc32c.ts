/**
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of every ring file.
 * Slicing-by-8 in plain JS: the journals of a full ring are checked on every start, so the
 * checksum is on the start-up path (see native-bench/ring-open.bench.mjs).
 * Kept in ring/ so the ring imports nothing else of the store; encoding/ has the same
 * function and the two may be merged later.
 */

const TABLES = buildTables();

function buildTables(): Int32Array {
  const tables = new Int32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    tables[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = tables[n]!;
    for (let t = 1; t < 8; t++) {
      c = tables[c & 0xff]! ^ (c >>> 8);
      tables[t * 256 + n] = c;
    }
  }
  return tables;
}

/** Words read through an Int32Array are little-endian only on little-endian hosts (all Node targets in practice). */
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;
/** Below this, making the Int32Array view costs more than it saves. */
const WORDS_FROM = 64;

/**
 * CRC-32C of `bytes[start, end)`. Pass the result of a previous call as `seed` to continue
 * a checksum over several ranges. Returns an unsigned 32-bit integer.
 * Ranges starting 4-byte aligned in their buffer (every journal entry) are read as 32-bit
 * words: 1.4 GB/s against 0.7 GB/s byte by byte (measured on the build machine, 1 MiB buffers).
 */
export function crc32c(bytes: Uint8Array, start = 0, end = bytes.length, seed = 0): number {
  const t = TABLES;
  let crc = ~seed;
  let i = start;
  const absolute = bytes.byteOffset + start;
  if (LITTLE_ENDIAN && (absolute & 3) === 0 && end - start >= WORDS_FROM) {
    const words = new Int32Array(bytes.buffer, absolute, ((end - start) >>> 3) << 1);
    for (let w = 0; w < words.length; w += 2) {
      const lo = crc ^ words[w]!;
      const hi = words[w + 1]!;
      crc =
        t[1792 + (lo & 0xff)]! ^
        t[1536 + ((lo >>> 8) & 0xff)]! ^
        t[1280 + ((lo >>> 16) & 0xff)]! ^
        t[1024 + (lo >>> 24)]! ^
        t[768 + (hi & 0xff)]! ^
        t[512 + ((hi >>> 8) & 0xff)]! ^
        t[256 + ((hi >>> 16) & 0xff)]! ^
        t[hi >>> 24]!;
    }
    i += words.length << 2;
  }
  for (const stop8 = end - 8; i <= stop8; i += 8) {
    const lo = crc ^ (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
    crc =
      t[1792 + (lo & 0xff)]! ^
      t[1536 + ((lo >>> 8) & 0xff)]! ^
      t[1280 + ((lo >>> 16) & 0xff)]! ^
      t[1024 + (lo >>> 24)]! ^
      t[768 + bytes[i + 4]!]! ^
      t[512 + bytes[i + 5]!]! ^
      t[256 + bytes[i + 6]!]! ^
      t[bytes[i + 7]!]!;
  }
  for (; i < end; i++) crc = t[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}
