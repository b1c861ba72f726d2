// Shared by the WAL tests: temp dirs, seeded payloads, a WAL with test defaults, and a file
// layer that fails on demand the way a full or broken disk does.
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { silentLogger } from '../../../src/log/index.js';
import { nodeFileIo, Wal, type ReplayStats, type WalFileIo, type WalOptions, type WalPosition, type WalRecord } from '../../../src/store/wal/index.js';

const dirs: string[] = [];

/** A fresh directory under the OS temp dir, removed after the test. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cairn-wal-'));
  dirs.push(dir);
  return dir;
}

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

export function openWal(dir: string, options: Partial<WalOptions> = {}): Promise<Wal> {
  return Wal.open({ dir, segmentBytes: 64 << 10, fsync: 'never', fsyncIntervalMs: 1000, logger: silentLogger, ...options });
}

/** mulberry32 (test/support/prng.ts), under this folder's name. */
export { mulberry32 as rng } from '../../support/prng.js';

/** `size` bytes: random (lz4 cannot shrink them) or a repeating text (it can). */
export function payload(random: () => number, size: number, compressible = false): Uint8Array {
  const b = new Uint8Array(size);
  if (compressible) {
    const text = new TextEncoder().encode(`cpu_seconds_total{host="h${Math.floor(random() * 10)}",mode="idle"} `);
    for (let i = 0; i < size; i++) b[i] = text[i % text.length]!;
  } else {
    for (let i = 0; i < size; i++) b[i] = Math.floor(random() * 256);
  }
  return b;
}

export interface Appended {
  readonly type: number;
  readonly payload: Uint8Array;
}

export async function replayAll(wal: Wal, from?: WalPosition): Promise<{ records: WalRecord[]; stats: ReplayStats }> {
  const records: WalRecord[] = [];
  const stats = await wal.replay(from, (r) => {
    records.push(r);
  });
  return { records, stats };
}

/**
 * Records as `type:length:sha256` strings, for toEqual between what was appended and what
 * came back (vitest compares large byte arrays element by element, seconds per megabyte).
 */
export function contents(records: readonly { type: number; payload: Uint8Array }[]): string[] {
  return records.map((r) => `${r.type}:${r.payload.length}:${createHash('sha256').update(r.payload).digest('hex')}`);
}

export function segmentFile(dir: string, segment: number): string {
  return join(dir, `${String(segment).padStart(8, '0')}.wal`);
}

function errnoError(code: string, syscall: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: injected ${syscall} failure`), { code, syscall });
}

/**
 * node:fs with switchable faults. `failWrites` makes each writev write `partialBytes` bytes
 * (a short write, as when the disk fills midway) and the retry fail with that errno code.
 */
export class FaultyIo implements WalFileIo {
  failWrites: string | null = null;
  partialBytes = 0;
  failFsync: string | null = null;
  failOpenForWrite: string | null = null;
  failRename: string | null = null;
  fsyncCalls = 0;
  writevCalls = 0;
  #shortWritten = false;

  open(path: string, flags: string): Promise<number> {
    if (this.failOpenForWrite !== null && flags !== 'r') return Promise.reject(errnoError(this.failOpenForWrite, 'open'));
    return nodeFileIo.open(path, flags);
  }
  async writev(fd: number, buffers: readonly Uint8Array[], position: number): Promise<number> {
    this.writevCalls++;
    if (this.failWrites === null) return nodeFileIo.writev(fd, buffers, position);
    if (this.partialBytes > 0 && !this.#shortWritten) {
      this.#shortWritten = true;
      const first = Buffer.concat(buffers.map((b) => Buffer.from(b.buffer, b.byteOffset, b.length))).subarray(0, this.partialBytes);
      return nodeFileIo.writev(fd, [first], position);
    }
    this.#shortWritten = false;
    throw errnoError(this.failWrites, 'write');
  }
  read(fd: number, into: Uint8Array, offset: number, length: number, position: number): Promise<number> {
    return nodeFileIo.read(fd, into, offset, length, position);
  }
  size(fd: number): Promise<number> {
    return nodeFileIo.size(fd);
  }
  fsync(fd: number): Promise<void> {
    this.fsyncCalls++;
    if (this.failFsync !== null) return Promise.reject(errnoError(this.failFsync, 'fsync'));
    return nodeFileIo.fsync(fd);
  }
  ftruncate(fd: number, length: number): Promise<void> {
    return nodeFileIo.ftruncate(fd, length);
  }
  close(fd: number): Promise<void> {
    return nodeFileIo.close(fd);
  }
  rename(from: string, to: string): Promise<void> {
    if (this.failRename !== null) return Promise.reject(errnoError(this.failRename, 'rename'));
    return nodeFileIo.rename(from, to);
  }
}

/** Polls until `condition` holds (timers in the code under test run on their own schedule). */
export async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
