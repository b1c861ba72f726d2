import { closeSync, fsyncSync, ftruncateSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { STORE_FILE_MODE } from '../file-modes.js';
import { encodeRecordFile } from './record-scan.js';

/**
 * The write side of one record file (docs/format/series.md): positional appends at a known
 * end, cut back on failure so no partial record stays. Reading and repair are the pair's
 * business (`record-pair.ts`); this only writes.
 */
export class RecordFile {
  readonly path: string;
  #fd: number;
  #size: number;
  #dirty = false;
  /** A failed append could not be cut back: retried before the next one. */
  #tailDirty = false;

  private constructor(path: string, fd: number, size: number) {
    this.path = path;
    this.#fd = fd;
    this.#size = size;
  }

  get sizeBytes(): number {
    return this.#size;
  }

  /** Opens an existing file whose valid content ends at `size`, cutting anything after it. */
  static resume(path: string, size: number): RecordFile {
    const fd = openSync(path, 'r+', STORE_FILE_MODE);
    try {
      ftruncateSync(fd, size);
    } catch (err) {
      closeSync(fd);
      throw err;
    }
    return new RecordFile(path, fd, size);
  }

  /**
   * Replaces the file with one holding `payloads` (temp file, fsync, rename, fsync of the
   * directory), so a crash leaves the old file or the new one, never a mix.
   */
  static replace(path: string, magic: string, payloads: readonly Uint8Array[]): RecordFile {
    const bytes = encodeRecordFile(magic, payloads);
    const temp = `${path}.tmp`;
    const fd = openSync(temp, 'w', STORE_FILE_MODE);
    try {
      writeAll(fd, bytes, 0);
      fsyncSync(fd);
    } catch (err) {
      closeSync(fd);
      rmSync(temp, { force: true });
      throw err;
    }
    closeSync(fd);
    renameSync(temp, path);
    syncDir(dirname(path));
    return RecordFile.resume(path, bytes.length);
  }

  /** Writes `bytes` (whole framed records) at the end; on failure cuts back and rethrows. */
  append(bytes: Uint8Array): void {
    if (this.#tailDirty) this.truncate(this.#size);
    try {
      writeAll(this.#fd, bytes, this.#size);
    } catch (err) {
      this.#tailDirty = true;
      try {
        this.truncate(this.#size);
      } catch {
        // Retried before the next append; a torn tail is also dropped on the next open.
      }
      throw err;
    }
    this.#size += bytes.length;
    this.#dirty = true;
  }

  /** Cuts the file back to `size` (a length it had before). */
  truncate(size: number): void {
    ftruncateSync(this.#fd, size);
    this.#size = size;
    this.#tailDirty = false;
  }

  sync(): void {
    if (!this.#dirty) return;
    fsyncSync(this.#fd);
    this.#dirty = false;
  }

  close(): void {
    if (this.#fd < 0) return;
    try {
      this.sync();
    } finally {
      closeSync(this.#fd);
      this.#fd = -1;
    }
  }
}

function writeAll(fd: number, bytes: Uint8Array, position: number): void {
  let written = 0;
  while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written, position + written);
}

function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
