import type { Checkpointer } from './checkpoint.js';
import type { StoreParts } from './parts.js';

/**
 * The oldest WAL segment still needed: by the head (since its checkpoint, or for the samples of
 * its pages when there is none yet) and by every exporter's cursor; never past the current one.
 */
export function walNeededFrom(parts: StoreParts, checkpoints: Checkpointer): number {
  const { head, wal } = parts;
  const p = checkpoints.position;
  // A checkpoint at the very end of its segment needs nothing of that segment either.
  const headNeeds = p === null ? head.oldestSegment() : p.offset >= (wal.segmentSize(p.segment) ?? Infinity) ? p.segment + 1 : p.segment;
  return Math.min(headNeeds, wal.minCursorSegment() ?? Infinity, wal.currentSegment());
}
