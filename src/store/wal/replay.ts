// Reading every record from a position to the end of a snapshot of the segments, skipping and
// counting what is corrupt. Never fails on bad bytes; only on I/O errors or a throwing callback.
import { join } from 'node:path';
import type { Logger } from '../../log/index.js';
import { WalCorruptError } from './errors.js';
import { errorCode, type WalFileIo } from './file-io.js';
import { SEGMENT_HEADER_BYTES, segmentFileName } from './format.js';
import type { SegmentNumber, SegmentOffset, WalPosition } from './position.js';
import { SegmentScanner } from './segment-scanner.js';
import type { ReplayStats, WalRecord, WalSegmentInfo } from './types.js';

export type OnRecord = (record: WalRecord) => void | Promise<void>;

const MAX_REPORTED_CORRUPTIONS = 100;

export interface ReplayInput {
  readonly io: WalFileIo;
  readonly dir: string;
  readonly logger: Logger;
  /** Ascending; `bytes` is where reading stops in each (the committed end of the live one). */
  readonly segments: readonly WalSegmentInfo[];
  readonly from: WalPosition | undefined;
  readonly onRecord: OnRecord;
}

type MutableStats = { -readonly [K in keyof ReplayStats]: ReplayStats[K] } & { corruptions: WalCorruptError[] };

export async function replaySegments(input: ReplayInput): Promise<MutableStats> {
  const { io, dir, logger, segments, from, onRecord } = input;
  const stats: MutableStats = {
    records: 0,
    payloadBytes: 0,
    segments: 0,
    corruptRecordsSkipped: 0,
    corruptBytesSkipped: 0,
    missingSegments: 0,
    tornTailBytesTruncated: 0,
    corruptions: [],
  };
  const corrupt = (file: string, offset: number, end: number, reason: string): void => {
    stats.corruptRecordsSkipped++;
    stats.corruptBytesSkipped += end - offset;
    if (stats.corruptions.length < MAX_REPORTED_CORRUPTIONS) {
      const error = new WalCorruptError(file, offset, end - offset, reason);
      stats.corruptions.push(error);
      logger.warn('wal: skipped corrupt bytes', { file, offset, bytes: end - offset, reason });
    }
  };

  // The next segment number expected: anything below it that is absent is missing.
  let expected: number | null = from?.segment ?? null;
  for (const entry of segments) {
    if (from !== undefined && entry.segment < from.segment) continue;
    if (expected !== null && entry.segment > expected) stats.missingSegments += entry.segment - expected;
    expected = entry.segment + 1;
    const file = join(dir, segmentFileName(entry.segment));
    let scanner: SegmentScanner;
    try {
      scanner = await SegmentScanner.open(io, file, entry.segment);
    } catch (err) {
      // Deleted by retention while replay was on its way to it.
      if (errorCode(err) !== 'ENOENT') throw err;
      stats.missingSegments++;
      continue;
    }
    try {
      stats.segments++;
      scanner.setLimit(Math.min(scanner.limit, entry.bytes));
      if (scanner.header.kind === 'unsupported') {
        corrupt(file, 0, scanner.limit, `unsupported segment format version ${scanner.header.version}`);
        continue;
      }
      if (scanner.header.kind === 'corrupt') corrupt(file, 0, Math.min(scanner.limit, SEGMENT_HEADER_BYTES), scanner.header.reason);
      scanner.seek(from !== undefined && entry.segment === from.segment ? from.offset : SEGMENT_HEADER_BYTES);
      await replaySegment(scanner, entry.segment, onRecord, stats, corrupt);
    } finally {
      await scanner.close();
    }
  }
  return stats;
}

async function replaySegment(
  scanner: SegmentScanner,
  segment: SegmentNumber,
  onRecord: OnRecord,
  stats: MutableStats,
  corrupt: (file: string, offset: number, end: number, reason: string) => void,
): Promise<void> {
  for (let item = await scanner.next(); item !== null; item = await scanner.next()) {
    if (item.kind === 'corrupt') {
      corrupt(scanner.file, item.offset, item.end, item.reason);
      continue;
    }
    stats.records++;
    stats.payloadBytes += item.payload.length;
    const pending = onRecord({
      type: item.type,
      payload: item.payload,
      position: { segment, offset: item.offset as SegmentOffset },
      next: { segment, offset: item.end as SegmentOffset },
    });
    // Only wait when the callback is async: a microtask per record shows in replay speed.
    if (pending !== undefined) await pending;
  }
}
