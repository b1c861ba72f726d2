// The write-ahead log: ordered, batched appends into numbered segment files, replay on start,
// segment deletion for retention, and the in-process signal readers wait on.
import { mkdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { CairnError, ErrorCodes } from '../../errors/index.js';
import type { Logger } from '../../log/index.js';
import { STORE_DIR_MODE } from '../file-modes.js';
import { CursorStore } from './cursor-store.js';
import { errorCode, fsyncDir, nodeFileIo, type WalFileIo } from './file-io.js';
import { FRAME_HEADER_BYTES, MAX_PAYLOAD_BYTES, segmentFileName } from './format.js';
import { encodeFrame } from './payload-codec.js';
import { segmentNumber, type SegmentNumber, type WalPosition } from './position.js';
import { replaySegments, type OnRecord } from './replay.js';
import { recoverSegmentDir, type SegmentEntry } from './segment-recovery.js';
import { SegmentTable } from './segment-table.js';
import { SegmentWriter } from './segment-writer.js';
import { SerialQueue } from './serial-queue.js';
import type { MutableWalStats, ReplayStats, WalOptions, WalSegmentInfo, WalStats } from './types.js';
import { WalAppender } from './wal-appender.js';
import { describe, validateOptions } from './wal-options.js';
import { WalSignal } from './wal-signal.js';

export class Wal {
  readonly dir: string;
  /** Saved reader positions, `<dir>/cursors/`. */
  readonly cursors: CursorStore;
  /** File operations, shared with readers. */
  readonly io: WalFileIo;
  readonly #logger: Logger;
  readonly #durable: boolean;
  /** Every write, fsync, rollover, deletion and close, one at a time, in order. */
  readonly #queue = new SerialQueue();
  readonly #segments: SegmentTable;
  readonly #appender: WalAppender;
  readonly #signal = new WalSignal();
  readonly #stats: MutableWalStats;
  #closing: Promise<void> | null = null;

  private constructor(options: WalOptions, io: WalFileIo, cursors: CursorStore, segments: SegmentEntry[], writer: SegmentWriter, torn: number) {
    this.dir = options.dir;
    this.cursors = cursors;
    this.io = io;
    this.#logger = options.logger;
    this.#durable = options.fsync !== 'never';
    this.#segments = new SegmentTable(segments);
    this.#stats = {
      recordsAppended: 0,
      bytesAppended: 0,
      payloadBytesAppended: 0,
      writes: 0,
      fsyncs: 0,
      failedWrites: 0,
      failedFsyncs: 0,
      corruptRecordsSkipped: 0,
      tornTailsTruncated: torn > 0 ? 1 : 0,
      tornTailBytesTruncated: torn,
      segmentsCreated: 1,
      segmentsDeleted: 0,
    };
    this.#appender = new WalAppender(
      {
        io,
        dir: options.dir,
        segmentBytes: options.segmentBytes,
        fsync: options.fsync,
        logger: options.logger,
        queue: this.#queue,
        segments: this.#segments,
        signal: this.#signal,
        stats: this.#stats,
      },
      writer,
    );
    if (options.fsync === 'interval') this.#appender.startIntervalSync(options.fsyncIntervalMs);
  }

  /**
   * Opens (or creates) the WAL in `dir`: truncates a torn tail off the last segment, then
   * starts a new segment after it and after every saved cursor, so a position is never reused
   * across restarts. Rejects with StoreUnavailableError when the new segment cannot be created.
   */
  static async open(options: WalOptions): Promise<Wal> {
    validateOptions(options);
    const io = options.io ?? nodeFileIo;
    const durable = options.fsync !== 'never';
    await mkdir(options.dir, { recursive: true, mode: STORE_DIR_MODE });
    const cursors = await CursorStore.open(join(options.dir, 'cursors'), { logger: options.logger, io });
    const found = await recoverSegmentDir(io, options.dir, durable, options.logger);
    const next = segmentNumber(Math.max(found.highest ?? 0, cursors.maxSegment() ?? 0) + 1);
    let writer: SegmentWriter;
    let created = true;
    try {
      writer = await SegmentWriter.create(io, options.dir, next, durable);
    } catch (err) {
      // A full disk (or a read-only one) at start: open anyway, so what is stored can be read;
      // appends are refused as for any failed write until one can create the segment.
      options.logger.warn('wal: cannot create a segment; appends are refused until it can be', { file: join(options.dir, segmentFileName(next)), error: describe(err) });
      writer = SegmentWriter.deferred(io, options.dir, next, durable, (w) => wal.#segmentCreated(w));
      created = false;
    }
    const segments = created ? [...found.segments, { segment: writer.segment, bytes: writer.size }] : [...found.segments];
    const wal = new Wal(options, io, cursors, segments, writer, found.tornTail?.bytes ?? 0);
    if (!created) wal.#stats.segmentsCreated = 0;
    return wal;
  }

  /** A segment deferred at open exists now: readers and retention see it from here on. */
  #segmentCreated(writer: SegmentWriter): void {
    this.#segments.add(writer.segment, writer.size);
    this.#stats.segmentsCreated++;
    this.#logger.info('wal: segment created; appends are taken', { file: writer.file });
  }

  /** Every record from `from` (default: the oldest segment) to the end as of this call, in order. */
  replay(onRecord: OnRecord): Promise<ReplayStats>;
  replay(from: WalPosition | undefined, onRecord: OnRecord): Promise<ReplayStats>;
  async replay(a: WalPosition | OnRecord | undefined, b?: OnRecord): Promise<ReplayStats> {
    const [from, onRecord] = typeof a === 'function' ? [undefined, a] : [a, b];
    if (onRecord === undefined) throw new TypeError('replay needs an onRecord callback');
    const stats = await replaySegments({ io: this.io, dir: this.dir, logger: this.#logger, segments: this.segments(), from, onRecord });
    this.#stats.corruptRecordsSkipped += stats.corruptRecordsSkipped;
    stats.tornTailBytesTruncated = this.#stats.tornTailBytesTruncated;
    return stats;
  }

  /**
   * Appends one record; resolves with its position once it is written to the OS (and synced,
   * under fsync 'always'). Appends made while a write is in flight go out together in the
   * next write. Positions follow call order. Rejects with StoreUnavailableError when the
   * write fails (disk full, I/O error): nothing of that write stays in the file.
   */
  append(type: number, payload: Uint8Array): Promise<WalPosition> {
    if (this.#closing !== null) return Promise.reject(new CairnError(ErrorCodes.SHUTTING_DOWN, 'WAL is closed'));
    if (!Number.isInteger(type) || type < 1 || type > 255) return Promise.reject(new RangeError(`WAL record type must be an integer in [1, 255], got ${type}`));
    if (payload.length > MAX_PAYLOAD_BYTES) {
      return Promise.reject(new CairnError(ErrorCodes.TOO_LARGE, `WAL record of ${payload.length} bytes exceeds ${MAX_PAYLOAD_BYTES}`));
    }
    return this.#appender.append(encodeFrame(type, payload), payload.length);
  }

  /**
   * Appends a frame sealed elsewhere (a decode worker built, compressed and checksummed it with
   * `encodeFrameInto`); otherwise as `append`. The bytes must stay untouched until this settles.
   */
  appendFrame(frame: Uint8Array, payloadBytes: number): Promise<WalPosition> {
    if (this.#closing !== null) return Promise.reject(new CairnError(ErrorCodes.SHUTTING_DOWN, 'WAL is closed'));
    const declared = frame.length >= FRAME_HEADER_BYTES ? new DataView(frame.buffer, frame.byteOffset, 4).getUint32(0, true) : -1;
    if (declared !== frame.length - FRAME_HEADER_BYTES || frame[8] === 0) return Promise.reject(new RangeError(`not a sealed WAL frame (${frame.length} bytes, length field ${declared})`));
    return this.#appender.append(frame, payloadBytes);
  }

  /** Segments on disk, oldest first; the last one is being written. */
  segments(): readonly WalSegmentInfo[] {
    return this.#segments.list();
  }

  sizeBytes(): number {
    return this.#segments.totalBytes();
  }

  /** Segments on disk, without listing them. */
  segmentCount(): number {
    return this.#segments.count;
  }

  currentSegment(): SegmentNumber {
    return this.#appender.segment;
  }

  oldestSegment(): SegmentNumber {
    return this.#segments.oldest() ?? this.#appender.segment;
  }

  /** Readable bytes of a segment (committed end for the current one), or null if it is not on disk. */
  segmentSize(segment: SegmentNumber): number | null {
    return this.#segments.size(segment);
  }

  /** Final size of a segment this Wal deleted (recent deletions only). */
  deletedSegmentSize(segment: SegmentNumber): number | undefined {
    return this.#segments.deletedSize(segment);
  }

  /** The first segment on disk numbered above `segment`, or null. */
  segmentAfter(segment: SegmentNumber): SegmentNumber | null {
    return this.#segments.after(segment);
  }

  /** Deletes every segment numbered below `segment`, never the current one. Resolves with how many. */
  deleteSegmentsBefore(segment: SegmentNumber): Promise<number> {
    return this.#queue.run(async () => {
      let deleted = 0;
      for (const s of this.#segments.before(segment, this.#appender.segment)) {
        try {
          await unlink(join(this.dir, segmentFileName(s)));
        } catch (err) {
          if (errorCode(err) !== 'ENOENT') {
            this.#logger.error('wal: cannot delete segment', { segment: s, error: describe(err) });
            continue;
          }
        }
        this.#segments.remove(s);
        deleted++;
      }
      this.#stats.segmentsDeleted += deleted;
      if (deleted > 0 && this.#durable) await fsyncDir(this.io, this.dir).catch((err: unknown) => this.#logger.warn('wal: directory fsync failed', { error: describe(err) }));
      return deleted;
    });
  }

  /** A cursor that holds segments for retention even before its first save. */
  registerCursor(name: string): void {
    this.cursors.register(name);
  }

  /** The lowest segment a registered or saved cursor still needs; null when there are no cursors. */
  minCursorSegment(): SegmentNumber | null {
    return this.cursors.minSegment(this.oldestSegment());
  }

  /**
   * Resolves after the next write of records (or rollover); rejects with the signal's reason
   * on abort and with SHUTTING_DOWN once the Wal closes.
   */
  whenAppended(signal?: AbortSignal): Promise<void> {
    return this.#signal.wait(signal);
  }

  get closed(): boolean {
    return this.#closing !== null;
  }

  /** fsyncs the current segment now (whatever the fsync mode); rejects with StoreUnavailableError on failure. */
  sync(): Promise<void> {
    return this.#appender.sync();
  }

  /** Writes what is pending, fsyncs, closes the segment. Idempotent; appends after it reject. */
  close(): Promise<void> {
    // Appends accepted before close() already have their write queued ahead of the close.
    this.#closing ??= this.#appender.close().finally(() => this.#signal.close());
    return this.#closing;
  }

  stats(): WalStats {
    return { ...this.#stats };
  }
}
