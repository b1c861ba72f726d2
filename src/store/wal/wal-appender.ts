// The write path of the WAL: gathers appends into batches, cuts them into runs that fit the
// current segment, rolls over, applies the fsync policy, and refuses a batch the disk refused.
import type { Logger } from '../../log/index.js';
import { StoreUnavailableError } from '../errors.js';
import type { WalFileIo } from './file-io.js';
import { segmentNumber, type SegmentNumber, type SegmentOffset, type WalPosition } from './position.js';
import type { SegmentTable } from './segment-table.js';
import { SegmentWriter } from './segment-writer.js';
import type { SerialQueue } from './serial-queue.js';
import type { MutableWalStats, WalFsyncMode } from './types.js';
import { describe } from './wal-options.js';
import type { WalSignal } from './wal-signal.js';

export interface AppenderContext {
  readonly io: WalFileIo;
  readonly dir: string;
  readonly segmentBytes: number;
  readonly fsync: WalFsyncMode;
  readonly logger: Logger;
  /** Shared with deletion and close, so the writer's descriptor is never used while closing. */
  readonly queue: SerialQueue;
  readonly segments: SegmentTable;
  readonly signal: WalSignal;
  readonly stats: MutableWalStats;
}

interface PendingAppend {
  readonly frame: Uint8Array;
  readonly payloadBytes: number;
  readonly resolve: (position: WalPosition) => void;
  readonly reject: (err: Error) => void;
}

export class WalAppender {
  readonly #ctx: AppenderContext;
  readonly #durable: boolean;
  #writer: SegmentWriter;
  #pending: PendingAppend[] = [];
  #flushQueued = false;
  /** Records written to the current segment since its last fsync started. */
  #dirty = false;
  #intervalSyncRunning = false;
  /** fsyncs and closes of segments left behind, run beside the writes; close() waits for them. */
  readonly #background = new Set<Promise<void>>();
  /** The last write failed: logged once, until a write succeeds again. */
  #failing = false;
  #closed = false;
  #timer: NodeJS.Timeout | null = null;

  constructor(ctx: AppenderContext, writer: SegmentWriter) {
    this.#ctx = ctx;
    this.#durable = ctx.fsync !== 'never';
    this.#writer = writer;
  }

  get segment(): SegmentNumber {
    return this.#writer.segment;
  }

  /** Queues a sealed frame; the write that carries it starts once the current one is done. */
  append(frame: Uint8Array, payloadBytes: number): Promise<WalPosition> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ frame, payloadBytes, resolve, reject });
      if (!this.#flushQueued) {
        this.#flushQueued = true;
        void this.#ctx.queue.run(() => this.#flush());
      }
    });
  }

  /**
   * fsyncs the current segment every `intervalMs` while it has unsynced records. Runs beside
   * the write queue, not in it: an fsync of a second's worth of appends takes long enough
   * that appends would stall behind it.
   */
  startIntervalSync(intervalMs: number): void {
    this.#timer = setInterval(() => {
      if (!this.#dirty || this.#intervalSyncRunning || this.#closed) return;
      this.#intervalSyncRunning = true;
      this.#dirty = false;
      const writer = this.#writer;
      this.#inBackground(async () => {
        try {
          await this.#fsyncCounted(writer);
        } catch (err) {
          if (writer === this.#writer) this.#dirty = true; // retried at the next tick
          throw err;
        } finally {
          this.#intervalSyncRunning = false;
        }
      });
    }, intervalMs);
    // Background durability must not keep the process alive.
    this.#timer.unref();
  }

  /** fsyncs the current segment if it has unsynced records; StoreUnavailableError on failure. */
  sync(): Promise<void> {
    return this.#ctx.queue.run(() => this.#fsync(true));
  }

  /** After every queued write: fsync and close the segment, and wait for background syncs. */
  async close(): Promise<void> {
    if (this.#timer !== null) clearInterval(this.#timer);
    try {
      await this.#ctx.queue.run(async () => {
        try {
          await this.#fsync(true);
        } finally {
          this.#closed = true;
          await this.#writer.close();
        }
      });
    } finally {
      while (this.#background.size > 0) await Promise.all(this.#background);
    }
  }

  async #flush(): Promise<void> {
    this.#flushQueued = false;
    const batch = this.#pending;
    this.#pending = [];
    try {
      await this.#writeBatch(batch);
    } catch (err) {
      // A bug, not the disk: still settle every append (a settled promise ignores the reject).
      const refusal = this.#refusal(err, 'WAL append');
      for (const p of batch) p.reject(refusal);
    }
  }

  async #writeBatch(batch: readonly PendingAppend[]): Promise<void> {
    const limit = this.#ctx.segmentBytes;
    let i = 0;
    while (i < batch.length) {
      const first = batch[i]!;
      let refusal: StoreUnavailableError | null = null;
      if (this.#writer.records > 0 && this.#writer.size + first.frame.length > limit) {
        try {
          await this.#rollover();
        } catch (err) {
          this.#ctx.stats.failedWrites++;
          refusal = this.#refusal(err, 'WAL rollover');
        }
      }
      // A run: the frames that fit in this segment (always at least one, however large).
      let j = i + 1;
      let bytes = first.frame.length;
      while (j < batch.length && this.#writer.size + bytes + batch[j]!.frame.length <= limit) bytes += batch[j++]!.frame.length;
      refusal ??= await this.#writeRun(batch.slice(i, j), bytes);
      if (refusal !== null) {
        // Later appends of the batch must not land after a hole: they fail with the same error.
        for (const p of batch.slice(i)) p.reject(refusal);
        return;
      }
      i = j;
    }
  }

  /** Writes one run into the current segment and resolves its appends; the error otherwise. */
  async #writeRun(run: readonly PendingAppend[], bytes: number): Promise<StoreUnavailableError | null> {
    const { stats } = this.#ctx;
    const writer = this.#writer;
    let at: number;
    try {
      at = await writer.write(
        run.map((p) => p.frame),
        bytes,
      );
    } catch (err) {
      stats.failedWrites++;
      return this.#refusal(err, `WAL write to ${writer.file}`);
    }
    if (this.#ctx.fsync === 'always') {
      try {
        await this.#fsyncCounted(writer);
      } catch (err) {
        // Refused, so they must not come back after a crash either.
        await writer.discardUncommitted();
        return this.#refusal(err, `WAL fsync of ${writer.file}`);
      }
    } else this.#dirty = true;
    writer.commit(bytes, run.length);
    this.#ctx.segments.setCurrentBytes(writer.size);
    if (this.#failing) this.#ctx.logger.info('wal: writes succeed again', { file: writer.file });
    this.#failing = false;
    stats.writes++;
    stats.recordsAppended += run.length;
    stats.bytesAppended += bytes;
    for (const p of run) {
      stats.payloadBytesAppended += p.payloadBytes;
      p.resolve({ segment: writer.segment, offset: at as SegmentOffset });
      at += p.frame.length;
    }
    this.#ctx.signal.notify();
    return null;
  }

  #refusal(err: unknown, what: string): StoreUnavailableError {
    if (!this.#failing) this.#ctx.logger.error('wal: write failed, refusing appends until one succeeds', { what, error: describe(err) });
    this.#failing = true;
    return new StoreUnavailableError(`${what} failed: ${describe(err)}`, { cause: err });
  }

  /**
   * Moves on to the next segment. Under fsync 'always' its file and directory entry are
   * synced before any record goes in; otherwise that, and the old segment's final fsync and
   * close, run in the background so appends do not wait for the disk.
   */
  async #rollover(): Promise<void> {
    const { io, dir, fsync, logger, segments, stats } = this.#ctx;
    const old = this.#writer;
    const oldDirty = this.#dirty;
    // Created first: if that fails, the old segment simply stays current.
    const next = await SegmentWriter.create(io, dir, segmentNumber(old.segment + 1), fsync === 'always');
    this.#writer = next;
    this.#dirty = false;
    segments.add(next.segment, next.size);
    stats.segmentsCreated++;
    if (fsync === 'interval') this.#inBackground(() => next.syncCreation());
    this.#inBackground(async () => {
      try {
        if (this.#durable && oldDirty) await this.#fsyncCounted(old);
      } finally {
        await old.close().catch((err: unknown) => logger.warn('wal: closing a segment failed', { file: old.file, error: describe(err) }));
      }
    });
    this.#ctx.signal.notify();
  }

  async #fsyncCounted(writer: SegmentWriter): Promise<void> {
    try {
      await writer.fsync();
      this.#ctx.stats.fsyncs++;
    } catch (err) {
      this.#ctx.stats.failedFsyncs++;
      throw err;
    }
  }

  /** Runs `task` beside the write queue; a failure is logged (the records were acknowledged). */
  #inBackground(task: () => Promise<void>): void {
    const run = task()
      .catch((err: unknown) => this.#ctx.logger.error('wal: background fsync failed; acknowledged records may be lost in a machine crash', { error: describe(err) }))
      .finally(() => this.#background.delete(run));
    this.#background.add(run);
  }

  /** fsync of the current segment inside the queue (sync(), close()). */
  async #fsync(throwOnError: boolean): Promise<void> {
    if (!this.#dirty || this.#closed) return;
    this.#dirty = false;
    try {
      await this.#fsyncCounted(this.#writer);
    } catch (err) {
      this.#dirty = true;
      this.#ctx.logger.error('wal: fsync failed', { file: this.#writer.file, error: describe(err) });
      if (throwOnError) throw new StoreUnavailableError(`WAL fsync of ${this.#writer.file} failed: ${describe(err)}`, { cause: err });
    }
  }
}
