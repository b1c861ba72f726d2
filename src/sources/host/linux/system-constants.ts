/**
 * USER_HZ (the unit of the tick counts in /proc/stat and /proc/<pid>/stat) and the page size.
 * Both are what sysconf(_SC_CLK_TCK) and sysconf(_SC_PAGESIZE) return, and glibc takes them
 * from the auxiliary vector the kernel hands every process, which /proc/self/auxv exposes.
 * They are the kernel's, not the container's, so our own auxv is right even under root_path.
 */
import { readFile } from 'node:fs/promises';
import { endianness } from 'node:os';

export interface SystemConstants {
  readonly clockTicksPerSecond: number;
  readonly pageSizeBytes: number;
}

/** USER_HZ is 100 on every Linux architecture in practice; 4 KiB pages on most. */
export const FALLBACK_CONSTANTS: SystemConstants = { clockTicksPerSecond: 100, pageSizeBytes: 4096 };

const AT_NULL = 0;
const AT_PAGESZ = 6;
const AT_CLKTCK = 17;

/**
 * Reads (key, value) machine words until AT_NULL. Tries 64-bit words, then 32-bit ones; keeps
 * the fallback for any value that is not plausible, so a surprise never yields nonsense.
 */
export function parseAuxv(buf: Buffer, littleEndian = endianness() === 'LE'): SystemConstants {
  for (const wordBytes of [8, 4] as const) {
    const found = scan(buf, wordBytes, littleEndian);
    if (found) return found;
  }
  return FALLBACK_CONSTANTS;
}

function scan(buf: Buffer, wordBytes: 4 | 8, littleEndian: boolean): SystemConstants | undefined {
  const word = (offset: number): number => {
    if (wordBytes === 4) return littleEndian ? buf.readUInt32LE(offset) : buf.readUInt32BE(offset);
    const big = littleEndian ? buf.readBigUInt64LE(offset) : buf.readBigUInt64BE(offset);
    return big > BigInt(Number.MAX_SAFE_INTEGER) ? -1 : Number(big);
  };
  let ticks: number | undefined;
  let pageSize: number | undefined;
  for (let offset = 0; offset + 2 * wordBytes <= buf.length; offset += 2 * wordBytes) {
    const key = word(offset);
    if (key === AT_NULL) break;
    const value = word(offset + wordBytes);
    if (key === AT_CLKTCK) ticks = value;
    else if (key === AT_PAGESZ) pageSize = value;
  }
  if (ticks === undefined || ticks < 1 || ticks > 100_000) return undefined;
  if (pageSize === undefined || pageSize < 1024 || pageSize > 1 << 30 || (pageSize & (pageSize - 1)) !== 0) return undefined;
  return { clockTicksPerSecond: ticks, pageSizeBytes: pageSize };
}

let cached: Promise<SystemConstants> | undefined;

/** Read once per process; an unreadable auxv (unusual sandboxes) gives the fallback. */
export function readSystemConstants(): Promise<SystemConstants> {
  cached ??= readFile('/proc/self/auxv').then(
    (buf) => parseAuxv(buf),
    () => FALLBACK_CONSTANTS,
  );
  return cached;
}
