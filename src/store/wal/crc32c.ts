// CRC-32C (Castagnoli): reflected polynomial 0x82F63B78, initial value and final XOR
// 0xFFFFFFFF, the checksum of iSCSI, ext4 and Prometheus' WAL. crc32c("123456789") = 0xE3069283.
// Slicing-by-8 (eight 256-entry tables): ~0.9-1.2 GB/s on the build machine
// (native-bench/wal.bench.mjs), so checksumming costs about as much as writing to the page
// cache. Kept here so the WAL imports nothing else of ours; same signature as encoding/'s
// crc32c so the two can be merged later.

const POLY = 0x82f63b78;
const TABLES = buildTables();

function buildTables(): Int32Array {
  const t = new Int32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n]!;
    for (let s = 1; s < 8; s++) {
      c = t[c & 0xff]! ^ (c >>> 8);
      t[s * 256 + n] = c;
    }
  }
  return t;
}

/**
 * CRC-32C of `bytes[start, end)` as an unsigned 32-bit integer. `seed` is the result of a
 * previous call, so `crc32c(b, 0, b.length, crc32c(a))` equals the checksum of `a` then `b`.
 */
export function crc32c(bytes: Uint8Array, start = 0, end = bytes.length, seed = 0): number {
  const t = TABLES;
  let crc = ~seed;
  let i = start;
  if (end - start >= 16) {
    // Two little-endian words per step through a DataView: ~1.5x indexing bytes one by one.
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (const last8 = end - 8; i <= last8; i += 8) {
      const lo = crc ^ view.getInt32(i, true);
      const hi = view.getInt32(i + 4, true);
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
  }
  for (; i < end; i++) crc = t[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}
