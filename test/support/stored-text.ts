import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { walFrames, WAL_FRAME_HEADER_BYTES } from './store-files.js';

const lz4 = createRequire(import.meta.url)('lz4') as { decodeBlock(input: Buffer, output: Buffer): number };

/**
 * Every form in which bytes of the store's files can be read back: each file as it is, each
 * WAL record payload decompressed (lz4), and every raw-deflate block found in the index
 * files (their JSON blocks), by trying each offset. Searching these finds a string wherever
 * the store kept it, compressed or not (the redaction tests check this finds what it should).
 */
export function storedViews(dir: string): { file: string; view: string; bytes: Buffer }[] {
  const out: { file: string; view: string; bytes: Buffer }[] = [];
  for (const file of filesUnder(dir)) {
    const bytes = readFileSync(file);
    out.push({ file, view: 'raw', bytes });
    if (file.endsWith('.wal')) {
      for (const f of walFramesSafe(bytes)) {
        if ((f.flags & 1) === 0) continue;
        const payload = bytes.subarray(f.offset + WAL_FRAME_HEADER_BYTES, f.end);
        const raw = Buffer.alloc(payload.readUInt32LE(0));
        const n = lz4.decodeBlock(payload.subarray(4), raw);
        if (n > 0) out.push({ file, view: `wal frame at ${f.offset}`, bytes: raw.subarray(0, n) });
      }
    }
    // The index files hold their JSON blocks deflated; datafiles and checkpoints hold numbers only.
    if (!file.includes('/index/')) continue;
    for (let at = 0; at < bytes.length; at++) {
      try {
        const inflated = inflateRawSync(bytes.subarray(at));
        if (inflated.length > 0) out.push({ file, view: `deflate at ${at}`, bytes: inflated });
      } catch {
        // not a deflate stream starting here
      }
    }
  }
  return out;
}

/** Which of `needles` occur in any stored view (with where), for assertions that name the leak. */
export function findStored(dir: string, needles: readonly string[]): Map<string, string> {
  const found = new Map<string, string>();
  for (const v of storedViews(dir)) {
    for (const n of needles) if (!found.has(n) && v.bytes.includes(Buffer.from(n, 'utf8'))) found.set(n, `${v.file} (${v.view})`);
  }
  return found;
}

function walFramesSafe(bytes: Buffer): ReturnType<typeof walFrames> {
  try {
    return walFrames(bytes);
  } catch {
    return [];
  }
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = statSync(path);
    if (st.isDirectory()) out.push(...filesUnder(path));
    else if (st.isFile()) out.push(path);
  }
  return out;
}
