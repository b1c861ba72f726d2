// What the WAL finds on disk when it opens: the segments, and the last one brought back to a
// clean end (a torn tail is truncated away) before a new segment is started after it.
import { readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../log/index.js';
import { errorCode, type WalFileIo } from './file-io.js';
import { SEGMENT_HEADER_BYTES, parseSegmentFileName, segmentFileName } from './format.js';
import type { SegmentNumber } from './position.js';
import { SegmentScanner } from './segment-scanner.js';

export interface SegmentEntry {
  readonly segment: SegmentNumber;
  bytes: number;
}

export interface TornTail {
  readonly file: string;
  readonly offset: number;
  readonly bytes: number;
  readonly reason: string;
}

export interface RecoveredDir {
  /** Ascending by segment number. */
  readonly segments: SegmentEntry[];
  /** Highest segment number seen, including a deleted torn one: new segments go after it. */
  readonly highest: SegmentNumber | null;
  readonly tornTail: TornTail | null;
}

export async function listSegments(dir: string): Promise<SegmentNumber[]> {
  const names = await readdir(dir);
  const numbers: SegmentNumber[] = [];
  for (const name of names) {
    const n = parseSegmentFileName(name);
    if (n !== null) numbers.push(n);
  }
  return numbers.sort((a, b) => a - b);
}

export async function recoverSegmentDir(io: WalFileIo, dir: string, durable: boolean, logger: Logger): Promise<RecoveredDir> {
  const numbers = await listSegments(dir);
  const segments: SegmentEntry[] = [];
  for (const segment of numbers) segments.push({ segment, bytes: (await stat(join(dir, segmentFileName(segment)))).size });
  const last = segments.at(-1);
  if (last === undefined) return { segments, highest: null, tornTail: null };
  const tornTail = await recoverLastSegment(io, join(dir, segmentFileName(last.segment)), last, durable);
  if (tornTail !== null) {
    logger.warn('wal: truncated a torn tail', { file: tornTail.file, offset: tornTail.offset, bytes: tornTail.bytes, reason: tornTail.reason });
    last.bytes = tornTail.offset;
    // A segment torn before its header was complete holds nothing: remove it.
    if (last.bytes === 0) segments.pop();
  }
  return { segments, highest: last.segment, tornTail };
}

/**
 * Cuts the last segment back to the end of its last valid record when what follows is not a
 * valid frame up to the end of the file (a write the crash interrupted, or preallocated
 * zeros). A segment with an unreadable header but readable frames keeps its frames; one with
 * a newer format version is left untouched.
 */
async function recoverLastSegment(io: WalFileIo, file: string, entry: SegmentEntry, durable: boolean): Promise<TornTail | null> {
  const scanner = await SegmentScanner.open(io, file, entry.segment);
  let torn: TornTail | null = null;
  try {
    if (scanner.header.kind === 'unsupported') return null;
    if (scanner.header.kind === 'corrupt' && scanner.limit < SEGMENT_HEADER_BYTES) {
      torn = { file, offset: 0, bytes: scanner.limit, reason: scanner.header.reason };
    } else {
      for (let item = await scanner.next(); item !== null; item = await scanner.next()) {
        if (item.kind === 'corrupt' && item.toLimit) torn = { file, offset: item.offset, bytes: item.end - item.offset, reason: item.reason };
      }
    }
  } finally {
    await scanner.close();
  }
  if (torn === null) return null;
  if (torn.offset === 0) {
    await unlink(file).catch((err: unknown) => {
      if (errorCode(err) !== 'ENOENT') throw err;
    });
    return torn;
  }
  const fd = await io.open(file, 'r+');
  try {
    await io.ftruncate(fd, torn.offset);
    if (durable) await io.fsync(fd);
  } finally {
    await io.close(fd);
  }
  return torn;
}
