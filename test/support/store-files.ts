import { execFileSync } from 'node:child_process';
import { mkdirSync, openSync, closeSync, readdirSync, readFileSync, readSync, statSync, truncateSync, writeSync, rmSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';

// The store's files as the format docs describe them (docs/format/wal.md, datafile.md,
// journal.md), read independently of src/ so that tests can find byte offsets to damage.

/** Apparent bytes of every regular file under `dir` (what `du -sb --apparent-size` counts, minus directories). */
export function dirBytes(dir: string): number {
  let total = 0;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0; // gone, or a race with a deletion
  }
  for (const name of names) {
    const path = join(dir, name);
    let st;
    try {
      st = lstatSync(path);
    } catch {
      continue; // deleted between readdir and stat
    }
    if (st.isDirectory()) total += dirBytes(path);
    else if (st.isFile()) total += st.size;
  }
  return total;
}

/** Files of a store part, sorted by name, with sizes. */
export function listFiles(dir: string, suffix: string): { name: string; path: string; bytes: number }[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: { name: string; path: string; bytes: number }[] = [];
  for (const name of names.filter((n) => n.endsWith(suffix)).sort()) {
    try {
      out.push({ name, path: join(dir, name), bytes: statSync(join(dir, name)).size });
    } catch {
      // Deleted between readdir and stat (the ring or the WAL let it go): not there any more.
    }
  }
  return out;
}

export const walSegments = (store: string) => listFiles(join(store, 'wal'), '.wal');
export const datafiles = (store: string) => listFiles(join(store, 'tier0'), '.cdf');
export const journals = (store: string) => listFiles(join(store, 'tier0'), '.cjf');

// ---- WAL (docs/format/wal.md) ----

export const WAL_HEADER_BYTES = 16;
export const WAL_FRAME_HEADER_BYTES = 10;

export interface WalFrame {
  /** Offset of the frame in the segment. */
  readonly offset: number;
  /** Payload length. */
  readonly length: number;
  /** Offset just after the frame. */
  readonly end: number;
  readonly type: number;
  readonly flags: number;
}

/** The frames of an intact segment, in order (stops at the first frame that does not fit). */
export function walFrames(bytes: Buffer): WalFrame[] {
  if (bytes.toString('latin1', 0, 4) !== 'CWAL') throw new Error('not a WAL segment (magic)');
  const frames: WalFrame[] = [];
  let at = WAL_HEADER_BYTES;
  while (at + WAL_FRAME_HEADER_BYTES <= bytes.length) {
    const length = bytes.readUInt32LE(at);
    const end = at + WAL_FRAME_HEADER_BYTES + length;
    if (end > bytes.length) break;
    frames.push({ offset: at, length, end, type: bytes[at + 8]!, flags: bytes[at + 9]! });
    at = end;
  }
  return frames;
}

// ---- Datafiles and journals (docs/format/datafile.md, journal.md) ----

export const RING_HEADER_BYTES = 32;
export const PAGE_DESCRIPTOR_BYTES = 28;

export interface PageDescriptor {
  readonly seriesRef: number;
  readonly minT: number;
  readonly maxT: number;
  readonly count: number;
  readonly pageLength: number;
}

export interface Extent {
  /** Offset of the extent in the datafile. */
  readonly offset: number;
  /** Whole extent length: 16 + 28n + 4 + P + 4. */
  readonly length: number;
  readonly payloadLength: number;
  readonly pages: PageDescriptor[];
  /** Offset of the payload in the datafile. */
  readonly payloadOffset: number;
}

function descriptors(bytes: Buffer, at: number, n: number): PageDescriptor[] {
  const pages: PageDescriptor[] = [];
  for (let i = 0; i < n; i++) {
    const d = at + i * PAGE_DESCRIPTOR_BYTES;
    pages.push({
      seriesRef: bytes.readUInt32LE(d),
      minT: Number(bytes.readBigInt64LE(d + 4)),
      maxT: Number(bytes.readBigInt64LE(d + 12)),
      count: bytes.readUInt32LE(d + 20),
      pageLength: bytes.readUInt32LE(d + 24),
    });
  }
  return pages;
}

/** The extents of a datafile, walked by their lengths from offset 32. */
export function datafileExtents(bytes: Buffer): Extent[] {
  if (bytes.toString('latin1', 0, 4) !== 'CDAT') throw new Error('not a datafile (magic)');
  const out: Extent[] = [];
  let at = RING_HEADER_BYTES;
  while (at + 16 <= bytes.length && bytes.toString('latin1', at, at + 4) === 'CEXT') {
    const payloadLength = bytes.readUInt32LE(at + 4);
    const n = bytes.readUInt32LE(at + 12);
    const h = 16 + PAGE_DESCRIPTOR_BYTES * n;
    const length = h + 4 + payloadLength + 4;
    if (at + length > bytes.length) break;
    out.push({ offset: at, length, payloadLength, pages: descriptors(bytes, at + 16, n), payloadOffset: at + h + 4 });
    at += length;
  }
  return out;
}

export interface JournalEntry {
  /** Offset of the entry in the journal. */
  readonly offset: number;
  /** L: the whole entry, length field and CRC included. */
  readonly length: number;
  readonly extentOffset: number;
  readonly pages: PageDescriptor[];
}

/** The entries of a journal, walked by their lengths from offset 32. */
export function journalEntries(bytes: Buffer): JournalEntry[] {
  if (bytes.toString('latin1', 0, 4) !== 'CJNL') throw new Error('not a journal (magic)');
  const out: JournalEntry[] = [];
  let at = RING_HEADER_BYTES;
  while (at + 4 <= bytes.length) {
    const length = bytes.readUInt32LE(at);
    if (length < 56 || at + length > bytes.length) break;
    const n = bytes.readUInt32LE(at + 8 + 12);
    out.push({ offset: at, length, extentOffset: bytes.readUInt32LE(at + 4), pages: descriptors(bytes, at + 8 + 16, n) });
    at += length;
  }
  return out;
}

// ---- Damage ----

/** XORs `count` bytes at `offset` with 0xFF (every bit flipped). */
export function flipBytes(file: string, offset: number, count = 1): void {
  const fd = openSync(file, 'r+');
  try {
    const buf = Buffer.alloc(count);
    if (readSync(fd, buf, 0, count, offset) !== count) throw new Error(`${file}: cannot read ${count} bytes at ${offset}`);
    for (let i = 0; i < count; i++) buf[i] = buf[i]! ^ 0xff;
    writeSync(fd, buf, 0, count, offset);
  } finally {
    closeSync(fd);
  }
}

export function truncateTo(file: string, bytes: number): void {
  truncateSync(file, bytes);
}

export const readBytes = (file: string): Buffer => readFileSync(file);

// ---- A small tmpfs for disk-full tests ----

export interface Tmpfs {
  readonly dir: string;
  resize(size: string): void;
  unmount(): void;
}

/**
 * A tmpfs of `size` on `dir` for a suite, or why there is none: `skipReason` is '' when it is
 * mounted, else says why (not root, no CAP_SYS_ADMIN), for the skipped tests to carry.
 */
export function tmpfsForSuite(dir: string, size: string, what: string): { fs: Tmpfs | undefined; skipReason: string } {
  try {
    return { fs: mountTmpfs(dir, size), skipReason: '' };
  } catch (err) {
    const skipReason = `cannot mount a tmpfs (${(err as Error).message.split('\n')[0]}); ${what} skipped`;
    console.warn(skipReason);
    return { fs: undefined, skipReason };
  }
}

/** Mounts a tmpfs of `size` (e.g. '4m') on a new directory; throws with the reason if not permitted. */
export function mountTmpfs(dir: string, size: string): Tmpfs {
  mkdirSync(dir, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
  let mounted = true;
  return {
    dir,
    resize(newSize) {
      execFileSync('mount', ['-o', `remount,size=${newSize}`, dir], { stdio: 'pipe' });
    },
    unmount() {
      if (!mounted) return;
      execFileSync('umount', [dir], { stdio: 'pipe' });
      mounted = false;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Writes `file` until the filesystem refuses any more bytes (ENOSPC); returns how many it took. */
export function fillFilesystem(file: string): number {
  const fd = openSync(file, 'w');
  let written = 0;
  try {
    for (const chunk of [1 << 20, 1 << 12, 1]) {
      const buf = Buffer.alloc(chunk, 7);
      for (;;) {
        try {
          written += writeSync(fd, buf, 0, chunk, written);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
          break;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return written;
}

// ---- Index files (docs/format/series.md) ----

export const indexFile = (store: string, name: string): string => join(store, 'index', name);

export interface IndexRecord {
  /** Offset of the record (its length field) in the file. */
  readonly offset: number;
  /** The whole record: length, CRC, payload. */
  readonly length: number;
  /** The block's entries, inflated and parsed. */
  readonly entries: unknown[];
}

/** The records of an intact index file, walked by their lengths from offset 16. */
export function indexRecords(bytes: Buffer): IndexRecord[] {
  const out: IndexRecord[] = [];
  for (let at = 16; at + 8 <= bytes.length; ) {
    const length = bytes.readUInt32LE(at);
    const payload = bytes.subarray(at + 8, at + 8 + length);
    if (payload[0] !== 1) throw new Error(`unknown block format ${payload[0]} at ${at}`);
    out.push({ offset: at, length: 8 + length, entries: JSON.parse(inflateRawSync(payload.subarray(1)).toString('utf8')) as unknown[] });
    at += 8 + length;
  }
  return out;
}
