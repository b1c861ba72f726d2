import { mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { STORE_DIR_MODE, STORE_FILE_MODE } from '../file-modes.js';

/**
 * The file-system calls the ring makes, and nothing more, so tests can inject ENOSPC or EIO at
 * any single call and check the ring stays consistent.
 */
export interface RingFileHandle {
  /** Reads up to `length` bytes at `position` into `into[0…]`; returns how many were read (fewer at EOF). */
  read(into: Uint8Array, position: number, length?: number): Promise<number>;
  /** Writes all of `bytes` at `position`, or throws (possibly after writing part of them). */
  write(bytes: Uint8Array, position: number): Promise<void>;
  truncate(length: number): Promise<void>;
  datasync(): Promise<void>;
  size(): Promise<number>;
  close(): Promise<void>;
}

/** `read`: existing file, read only. `update`: existing file, read and write. `create`: new file, fails if it exists. */
export type OpenMode = 'read' | 'update' | 'create';

export interface RingIo {
  open(path: string, mode: OpenMode): Promise<RingFileHandle>;
  /** Whole file; rejects with code ENOENT when missing. */
  readFile(path: string): Promise<Uint8Array>;
  /** Size in bytes; rejects with code ENOENT when missing. */
  fileSize(path: string): Promise<number>;
  list(dir: string): Promise<string[]>;
  mkdir(dir: string): Promise<void>;
  unlink(path: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  /** fsync of the directory, so created and deleted names survive a power cut. */
  syncDir(dir: string): Promise<void>;
}

const FLAGS: Record<OpenMode, string> = { read: 'r', update: 'r+', create: 'wx+' };

class NodeFileHandle implements RingFileHandle {
  readonly #fh: FileHandle;
  constructor(fh: FileHandle) {
    this.#fh = fh;
  }
  async read(into: Uint8Array, position: number, length = into.length): Promise<number> {
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.#fh.read(into, done, length - done, position + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done;
  }
  async write(bytes: Uint8Array, position: number): Promise<void> {
    let done = 0;
    while (done < bytes.length) {
      const { bytesWritten } = await this.#fh.write(bytes, done, bytes.length - done, position + done);
      done += bytesWritten;
    }
  }
  truncate(length: number): Promise<void> {
    return this.#fh.truncate(length);
  }
  datasync(): Promise<void> {
    return this.#fh.datasync();
  }
  async size(): Promise<number> {
    return (await this.#fh.stat()).size;
  }
  close(): Promise<void> {
    return this.#fh.close();
  }
}

export const nodeRingIo: RingIo = {
  async open(path, mode) {
    return new NodeFileHandle(await open(path, FLAGS[mode], STORE_FILE_MODE));
  },
  async readFile(path) {
    const fh = await open(path, 'r');
    try {
      const size = (await fh.stat()).size;
      const bytes = new Uint8Array(size);
      const n = await new NodeFileHandle(fh).read(bytes, 0);
      return n === size ? bytes : bytes.subarray(0, n);
    } finally {
      await fh.close();
    }
  },
  async fileSize(path) {
    return (await stat(path)).size;
  },
  list: (dir) => readdir(dir),
  async mkdir(dir) {
    await mkdir(dir, { recursive: true, mode: STORE_DIR_MODE });
  },
  unlink: (path) => unlink(path),
  rename: (from, to) => rename(from, to),
  async syncDir(dir) {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  },
};
