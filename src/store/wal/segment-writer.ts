// The segment being appended to: creates it, writes whole frames at its committed end, and
// takes a failed write back out so the file ends on a complete record again.
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDir, writeFully, type WalFileIo } from './file-io.js';
import { SEGMENT_HEADER_BYTES, encodeSegmentHeader, segmentFileName } from './format.js';
import type { SegmentNumber } from './position.js';

export class SegmentWriter {
  readonly segment: SegmentNumber;
  readonly file: string;
  readonly #io: WalFileIo;
  #fd: number;
  readonly #dir: string;
  /** Set for a segment the disk had no room for when the WAL opened: the first write creates it. */
  #deferred: { readonly syncNow: boolean; readonly onCreated: (writer: SegmentWriter) => void } | null = null;
  /** fsyncs running on the descriptor (interval syncs run beside writes): close waits for them. */
  readonly #syncing = new Set<Promise<void>>();
  /** End of the last complete, successfully written record: where the next write goes. */
  #size = SEGMENT_HEADER_BYTES;
  #records = 0;
  /** Set when a failed write could not be truncated away: retried before the next write. */
  #truncatePending = false;
  #closed = false;

  private constructor(io: WalFileIo, fd: number, dir: string, file: string, segment: SegmentNumber) {
    this.#io = io;
    this.#fd = fd;
    this.#dir = dir;
    this.file = file;
    this.segment = segment;
  }

  /**
   * Creates `<dir>/<segment>.wal` with its header. `syncNow`: also make the file and its
   * directory entry durable before returning (else call `syncCreation` later). On failure
   * nothing is left behind (best effort) and the error is rethrown.
   */
  static async create(io: WalFileIo, dir: string, segment: SegmentNumber, syncNow: boolean): Promise<SegmentWriter> {
    const writer = new SegmentWriter(io, -1, dir, join(dir, segmentFileName(segment)), segment);
    await writer.#create(syncNow);
    return writer;
  }

  /**
   * A segment that is not on disk yet (the WAL opened on a full disk): the first `write`
   * creates it, and `onCreated` runs before that write goes on. Until then writes fail as the
   * creation does, and fsync and close have nothing to do.
   */
  static deferred(io: WalFileIo, dir: string, segment: SegmentNumber, syncNow: boolean, onCreated: (writer: SegmentWriter) => void): SegmentWriter {
    const writer = new SegmentWriter(io, -1, dir, join(dir, segmentFileName(segment)), segment);
    writer.#deferred = { syncNow, onCreated };
    return writer;
  }

  async #create(syncNow: boolean): Promise<void> {
    // 'wx': never clobber an existing segment, whatever the numbering says.
    const fd = await this.#io.open(this.file, 'wx');
    try {
      await writeFully(this.#io, fd, [encodeSegmentHeader(this.segment)], 0);
      this.#fd = fd;
      if (syncNow) await this.syncCreation();
    } catch (err) {
      this.#fd = -1;
      await this.#io.close(fd).catch(() => undefined);
      await unlink(this.file).catch(() => undefined);
      throw err;
    }
  }

  get size(): number {
    return this.#size;
  }
  get records(): number {
    return this.#records;
  }

  /**
   * Writes `frames` (each a whole record, `bytes` in all) at the committed end and resolves
   * with their offset; `commit` makes them count. If the write fails, the bytes it may have
   * left are truncated away before the error is rethrown, so a later crash cannot resurrect
   * records whose append was refused.
   */
  async write(frames: readonly Uint8Array[], bytes: number): Promise<number> {
    if (this.#deferred !== null) {
      const { syncNow, onCreated } = this.#deferred;
      await this.#create(syncNow);
      this.#deferred = null;
      onCreated(this);
    }
    if (this.#truncatePending) {
      await this.#io.ftruncate(this.#fd, this.#size);
      this.#truncatePending = false;
    }
    const at = this.#size;
    try {
      const written = await writeFully(this.#io, this.#fd, frames, at);
      if (written !== bytes) throw new Error(`frames hold ${written} bytes, caller said ${bytes}`);
    } catch (err) {
      await this.discardUncommitted();
      throw err;
    }
    return at;
  }

  /** The records of the last `write` are in the file for good: readers may see them. */
  commit(bytes: number, records: number): void {
    this.#size += bytes;
    this.#records += records;
  }

  /**
   * Removes everything after the committed end: after a failed write, or when fsync failed
   * under fsync 'always' (those records were refused, so must not come back after a crash).
   * If even the truncate fails, it is retried before the next write.
   */
  async discardUncommitted(): Promise<void> {
    try {
      await this.#io.ftruncate(this.#fd, this.#size);
      this.#truncatePending = false;
    } catch {
      this.#truncatePending = true;
    }
  }

  /** The segment file and its directory entry survive a machine crash from now on. */
  async syncCreation(): Promise<void> {
    await this.fsync();
    await fsyncDir(this.#io, this.#dir);
  }

  /** May run while writes go on: it covers at least everything written before it started. */
  fsync(): Promise<void> {
    if (this.#fd < 0) return Promise.resolve();
    const sync = this.#io.fsync(this.#fd);
    const tracked = sync.catch(() => undefined).finally(() => this.#syncing.delete(tracked));
    this.#syncing.add(tracked);
    return sync;
  }

  /** Closes the descriptor once no fsync is using it (a reused descriptor number would get it). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all(this.#syncing);
    if (this.#fd >= 0) await this.#io.close(this.#fd);
  }
}
