import type { ByteRange, RecordScan, ScannedRecord } from './record-scan.js';
import { RECORD_HEADER_BYTES } from './record-scan.js';

/** One copy as found on open: its bytes, or why there are none. */
export interface CopyRead {
  readonly path: string;
  readonly bytes: Buffer | null;
  /** Set when the file exists but cannot be read (permissions, I/O error). */
  readonly error: Error | null;
  readonly scan: RecordScan | null;
}

/** One damaged piece of an index file, for the log: file and offset, and whether the other copy had it. */
export interface IndexDamage {
  readonly file: string;
  readonly offset: number;
  readonly bytes: number;
  readonly outcome: 'repaired' | 'lost';
  readonly reason: string;
}

export interface IndexFileStats {
  /** Records read, both copies merged. */
  records: number;
  /** Damaged pieces no copy could restore: their records are lost (`cairn_store_corrupt_skipped_total{part="index"}`). */
  corruptSkipped: number;
  /** Damaged pieces of one copy taken from the other: nothing lost (`cairn_store_repaired_total{part="index"}`). */
  repaired: number;
  /** Bytes after the last whole record that frame none: an append a crash interrupted, cut off. */
  tornBytesTruncated: number;
  readonly damage: IndexDamage[];
  /** Set when the merged records could not be written back (disk full): they are, before the next append. */
  writeError?: string;
}

/**
 * What the damage found in the two copies cost. A range one copy lost and the other holds is
 * repaired; a range neither holds (bytes before the last record of either copy that no valid
 * record covers) is lost, counted once whichever copies it hit. Bytes after a copy's last
 * record are a torn append, as in the WAL: damage to the very last record of both copies
 * cannot be told apart from it.
 */
export function accountDamage(copies: readonly [CopyRead, CopyRead], records: readonly ScannedRecord[]): IndexFileStats {
  const stats: IndexFileStats = { records: records.length, corruptSkipped: 0, repaired: 0, tornBytesTruncated: 0, damage: [] };
  const covered = coverage(records);
  const isCovered = (r: ByteRange): boolean => covered.some((c) => c.offset <= r.offset && r.end <= c.end);
  const repaired = (file: string, offset: number, bytes: number, reason: string): void => {
    stats.repaired++;
    stats.damage.push({ file, offset, bytes, outcome: 'repaired', reason });
  };
  const hasRecords = records.length > 0;
  copies.forEach((c, i) => {
    if (c.error !== null) return repaired(c.path, 0, 0, `unreadable: ${(c.error as NodeJS.ErrnoException).code ?? c.error.message}`);
    if (c.scan === null) {
      // A missing main copy is damage; a missing second copy is what a store from before copies looks like.
      if (i === 0 && hasRecords) repaired(c.path, 0, 0, 'missing');
      return;
    }
    const { header, damaged, tail } = c.scan;
    if (header.kind === 'short') {
      if (hasRecords) repaired(c.path, 0, c.bytes!.length, 'shorter than its header');
      else stats.tornBytesTruncated += c.bytes!.length;
      return;
    }
    // Damage running on from the header into the records is one damaged piece, counted once.
    const fromHeader = header.kind === 'damaged' && damaged[0]?.offset === RECORD_HEADER_BYTES && isCovered(damaged[0]) ? damaged[0] : null;
    if (header.kind === 'damaged') repaired(c.path, 0, fromHeader?.end ?? RECORD_HEADER_BYTES, 'damaged header');
    for (const r of damaged) if (r !== fromHeader && isCovered(r)) repaired(c.path, r.offset, r.end - r.offset, 'bytes frame no valid record');
    if (tail !== null) stats.tornBytesTruncated += tail.end - tail.offset;
  });
  const end = records.reduce((e, r) => Math.max(e, r.end), RECORD_HEADER_BYTES);
  for (const hole of gaps(covered, RECORD_HEADER_BYTES, end)) {
    stats.corruptSkipped++;
    const file = copies.find((c) => c.scan?.damaged.some((d) => d.offset < hole.end && hole.offset < d.end))?.path ?? copies[0].path;
    stats.damage.push({ file, offset: hole.offset, bytes: hole.end - hole.offset, outcome: 'lost', reason: 'no copy holds a valid record here' });
  }
  return stats;
}

/** The union of the records' byte ranges, in order. */
function coverage(records: readonly ScannedRecord[]): ByteRange[] {
  const out: { offset: number; end: number }[] = [];
  for (const r of records) {
    const last = out[out.length - 1];
    if (last !== undefined && r.offset <= last.end) last.end = Math.max(last.end, r.end);
    else out.push({ offset: r.offset, end: r.end });
  }
  return out;
}

function gaps(covered: readonly ByteRange[], from: number, to: number): ByteRange[] {
  const out: ByteRange[] = [];
  let at = from;
  for (const c of covered) {
    if (c.offset > at) out.push({ offset: at, end: Math.min(c.offset, to) });
    at = Math.max(at, c.end);
  }
  return out.filter((g) => g.end > g.offset);
}
