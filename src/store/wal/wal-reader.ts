// Tails the WAL from a position for one consumer (an exporter): reads committed records in
// order, follows rollover, and reports segments deleted before it got to them.
import { join } from 'node:path';
import { silentLogger, type Logger } from '../../log/index.js';
import { WalCorruptError } from './errors.js';
import { errorCode } from './file-io.js';
import { SEGMENT_HEADER_BYTES, segmentFileName } from './format.js';
import type { SegmentNumber, SegmentOffset, WalPosition } from './position.js';
import { SegmentScanner, type ScanItem } from './segment-scanner.js';
import type { WalCorruptRead, WalGap, WalReadResult } from './types.js';
import type { Wal } from './wal.js';

export interface WalReaderOptions {
  readonly logger?: Logger;
  /** Bytes read ahead per read call (default 1 MiB: tailing reads little at a time). */
  readonly readAheadBytes?: number;
}

export interface WalReaderStats {
  readonly records: number;
  readonly corruptSkipped: number;
  readonly lostSegments: number;
}

const HEADER = SEGMENT_HEADER_BYTES as SegmentOffset;

export class WalReader {
  readonly #wal: Wal;
  readonly #logger: Logger;
  readonly #readAhead: number;
  #pos: WalPosition;
  #scanner: SegmentScanner | null = null;
  #stats = { records: 0, corruptSkipped: 0, lostSegments: 0 };

  /** Starts at `from` (a saved cursor: a record's `next`), or at the oldest segment. */
  constructor(wal: Wal, from?: WalPosition | null, options: WalReaderOptions = {}) {
    this.#wal = wal;
    this.#logger = options.logger ?? silentLogger;
    this.#readAhead = options.readAheadBytes ?? 1 << 20;
    this.#pos = from ? { segment: from.segment, offset: Math.max(from.offset, HEADER) as SegmentOffset } : { segment: wal.oldestSegment(), offset: HEADER };
  }

  /** Where the next read starts; save it (or a record's `next`) as the cursor. */
  get position(): WalPosition {
    return this.#pos;
  }

  stats(): WalReaderStats {
    return { ...this.#stats };
  }

  /** The next record, gap or corrupt run; null when caught up with everything written so far. */
  async next(): Promise<WalReadResult | null> {
    for (;;) {
      const { segment } = this.#pos;
      const current = this.#wal.currentSegment();
      if (segment > current) {
        // Only a position from elsewhere gets here: every segment started since this Wal
        // opened is newer than any saved cursor, so the current one is all unread.
        this.#logger.warn('wal: reader position is past the end of the WAL; reading from the current segment', { segment, current });
        await this.#moveTo(current);
        continue;
      }
      const size = this.#wal.segmentSize(segment);
      if (size === null) {
        const gap = await this.#skipDeleted(segment);
        if (gap !== null) return gap;
        continue;
      }
      if (this.#scanner?.segment !== segment) {
        const opened = await this.#open(segment);
        if (opened === 'deleted') {
          const gap = await this.#skipDeleted(segment);
          if (gap !== null) return gap;
          continue;
        }
        if (opened !== null) return opened;
      }
      const scanner = this.#scanner!;
      scanner.setLimit(size);
      const item = await scanner.next();
      if (item !== null) return this.#deliver(segment, scanner.file, item);
      // Caught up with the segment being written (its size was read before this scan).
      if (segment === current) return null;
      // A closed segment is done: on to the next one on disk, reporting any missing between.
      const after = this.#wal.segmentAfter(segment);
      await this.#moveTo(after ?? current);
      if (after !== null && after > segment + 1) return this.#gap(segment + 1, after - 1);
    }
  }

  /** True when `next()` would not return null right now. */
  hasData(): boolean {
    const { segment, offset } = this.#pos;
    const size = this.#wal.segmentSize(segment);
    return size === null || segment !== this.#wal.currentSegment() || offset < size;
  }

  /**
   * Resolves at once if there is something to read, else when the WAL next writes. Rejects
   * with the signal's reason on abort, and with SHUTTING_DOWN once the WAL is closed and
   * everything is read.
   */
  async waitForData(signal?: AbortSignal): Promise<void> {
    if (this.hasData()) return;
    await this.#wal.whenAppended(signal);
  }

  async close(): Promise<void> {
    await this.#closeScanner();
  }

  #deliver(segment: SegmentNumber, file: string, item: ScanItem): WalReadResult {
    const position = { segment, offset: item.offset as SegmentOffset };
    this.#pos = { segment, offset: item.end as SegmentOffset };
    if (item.kind === 'record') {
      this.#stats.records++;
      return { kind: 'record', type: item.type, payload: item.payload, position, next: this.#pos };
    }
    return this.#corrupt(new WalCorruptError(file, item.offset, item.end - item.offset, item.reason), position, this.#pos);
  }

  #corrupt(error: WalCorruptError, position: WalPosition, next: WalPosition): WalCorruptRead {
    this.#stats.corruptSkipped++;
    this.#logger.warn('wal: reader skipped corrupt bytes', { file: error.file, offset: error.offset, bytes: error.bytes, reason: error.reason });
    return { kind: 'corrupt', error, position, next };
  }

  /** Opens a segment's file; a corrupt header is reported once, then its frames are read anyway. */
  async #open(segment: SegmentNumber): Promise<WalCorruptRead | 'deleted' | null> {
    await this.#closeScanner();
    const file = join(this.#wal.dir, segmentFileName(segment));
    let scanner: SegmentScanner;
    try {
      scanner = await SegmentScanner.open(this.#wal.io, file, segment, this.#readAhead);
    } catch (err) {
      if (errorCode(err) === 'ENOENT') return 'deleted';
      throw err;
    }
    this.#scanner = scanner;
    scanner.seek(this.#pos.offset);
    const header = scanner.header;
    if (header.kind === 'ok' || this.#pos.offset > SEGMENT_HEADER_BYTES) return null;
    const position = { segment, offset: 0 as SegmentOffset };
    if (header.kind === 'corrupt') {
      this.#pos = { segment, offset: HEADER };
      return this.#corrupt(new WalCorruptError(file, 0, SEGMENT_HEADER_BYTES, header.reason), position, this.#pos);
    }
    // A newer format: none of it is readable here.
    const bytes = this.#wal.segmentSize(segment) ?? scanner.limit;
    this.#pos = { segment, offset: bytes as SegmentOffset };
    scanner.seek(bytes);
    return this.#corrupt(new WalCorruptError(file, 0, bytes, `unsupported segment format version ${header.version}`), position, this.#pos);
  }

  /**
   * The reader's segment is gone. Lost: from it (unless it had been read to its end) up to
   * the next segment on disk.
   */
  async #skipDeleted(segment: SegmentNumber): Promise<WalGap | null> {
    const finalSize = this.#wal.deletedSegmentSize(segment);
    const first = finalSize !== undefined && this.#pos.offset >= finalSize ? segment + 1 : segment;
    const after = this.#wal.segmentAfter(segment) ?? this.#wal.currentSegment();
    // Released now: an open descriptor would keep the deleted file's space in use.
    await this.#moveTo(after);
    return first < after ? this.#gap(first, after - 1) : null;
  }

  #gap(first: number, last: number): WalGap {
    const lostSegments = last - first + 1;
    this.#stats.lostSegments += lostSegments;
    this.#logger.warn('wal: reader lost deleted segments', { first, last });
    return { kind: 'gap', firstLost: first as SegmentNumber, lastLost: last as SegmentNumber, lostSegments, next: this.#pos };
  }

  async #moveTo(segment: SegmentNumber): Promise<void> {
    await this.#closeScanner();
    this.#pos = { segment, offset: HEADER };
  }

  async #closeScanner(): Promise<void> {
    const s = this.#scanner;
    this.#scanner = null;
    await s?.close();
  }
}
