import type { Logger } from '../../log/index.js';
import type { WalCorruptError } from './errors.js';
import type { WalFileIo } from './file-io.js';
import type { SegmentNumber, WalPosition } from './position.js';

export type WalFsyncMode = 'interval' | 'always' | 'never';

export interface WalOptions {
  readonly dir: string;
  /** Largest segment file; a record bigger than this gets a segment of its own. */
  readonly segmentBytes: number;
  /**
   * always: an append resolves after fsync; interval: fsync every `fsyncIntervalMs` in the
   * background; never: the OS decides. Segment creation, rollover and close fsync unless never.
   */
  readonly fsync: WalFsyncMode;
  readonly fsyncIntervalMs: number;
  readonly logger: Logger;
  /** File operations; tests inject faults here. Default: node:fs. */
  readonly io?: WalFileIo;
}

/** A record as replay hands it over. */
export interface WalRecord {
  readonly type: number;
  readonly payload: Uint8Array;
  /** Where the record starts. */
  readonly position: WalPosition;
  /** Just after the record: where reading resumes once this record is consumed. */
  readonly next: WalPosition;
}

export interface WalRecordRead extends WalRecord {
  readonly kind: 'record';
}

/**
 * Segments deleted before the reader got to them (retention under disk pressure, or a cursor
 * older than the WAL). `firstLost` may have been partly read already.
 */
export interface WalGap {
  readonly kind: 'gap';
  readonly firstLost: SegmentNumber;
  readonly lastLost: SegmentNumber;
  readonly lostSegments: number;
  readonly next: WalPosition;
}

/** Bytes skipped because they hold no valid record; the records in them are lost. */
export interface WalCorruptRead {
  readonly kind: 'corrupt';
  readonly error: WalCorruptError;
  readonly position: WalPosition;
  readonly next: WalPosition;
}

export type WalReadResult = WalRecordRead | WalGap | WalCorruptRead;

export interface ReplayStats {
  readonly records: number;
  /** Payload bytes handed to the callback (after decompression). */
  readonly payloadBytes: number;
  readonly segments: number;
  /** Runs of bytes skipped because they held no valid record (each run counts once). */
  readonly corruptRecordsSkipped: number;
  readonly corruptBytesSkipped: number;
  /** Segments missing between `from` (or the oldest) and the newest: deleted or never there. */
  readonly missingSegments: number;
  /** Torn tail truncated when this Wal opened (bytes), reported here for the startup log. */
  readonly tornTailBytesTruncated: number;
  /** The first corruptions met, with file and offset (at most 100). */
  readonly corruptions: readonly WalCorruptError[];
}

export interface WalStats {
  readonly recordsAppended: number;
  /** Bytes written to segments by appends: frame headers and stored (compressed) payloads. */
  readonly bytesAppended: number;
  /** Payload bytes given to append, before compression. */
  readonly payloadBytesAppended: number;
  /** write calls that carried appended records (one per batch per segment). */
  readonly writes: number;
  readonly fsyncs: number;
  readonly failedWrites: number;
  readonly failedFsyncs: number;
  /** Seen by replay() since open. */
  readonly corruptRecordsSkipped: number;
  readonly tornTailsTruncated: number;
  readonly tornTailBytesTruncated: number;
  readonly segmentsCreated: number;
  readonly segmentsDeleted: number;
}

export interface WalSegmentInfo {
  readonly segment: SegmentNumber;
  /** File size; for the segment being written, the end of its last complete record. */
  readonly bytes: number;
}

/** Internal: the counters behind `WalStats`, updated in place. */
export type MutableWalStats = { -readonly [K in keyof WalStats]: WalStats[K] };
