import type { BatchColumns, SeriesDefinition } from '../../model/index.js';
import type { WalPosition } from '../wal/index.js';

/** An opaque place in the store's log; commit it once what came before it is delivered. */
export type TailPosition = WalPosition;

/** One appended batch, as the receiver's pipeline stored it. */
export interface TailBatch {
  readonly kind: 'batch';
  readonly batch: BatchColumns;
  /** The definition of each local series of the batch (by local index). */
  readonly definitions: readonly (SeriesDefinition | undefined)[];
  /** Just after this batch: commit it once the batch is delivered. */
  readonly position: TailPosition;
}

/**
 * Data the tail will never read: WAL segments deleted before it got to them (the WAL outgrew
 * its share of the disk budget), or bytes that held no valid record (corruption).
 */
export interface TailGap {
  readonly kind: 'gap';
  readonly cause: 'dropped' | 'corrupt';
  /** Points lost, when the store counted them (segments it wrote or replayed); null when unknown. */
  readonly lostPoints: number | null;
  readonly firstSegment: number;
  readonly lastSegment: number;
  readonly position: TailPosition;
}

export type TailEntry = TailBatch | TailGap;

export interface TailOptions {
  /**
   * Where a tail that never committed starts: `oldest` (everything the WAL still holds, the
   * default) or `end` (only what is appended from now on).
   */
  readonly start?: 'oldest' | 'end';
}

/**
 * A consumer's reader over the store's log. Iterating yields entries in append order and waits
 * for new ones when caught up, until `close`. Only `commit` moves the durable cursor: after a
 * restart, reading resumes just after the last committed position.
 */
export interface Tail extends AsyncIterable<TailEntry> {
  readonly name: string;
  /** The last committed position, null before the first commit. */
  readonly committed: TailPosition | null;
  /** Where the next read starts (after the last entry yielded). */
  readonly position: TailPosition;
  /** Makes `position` the durable cursor (written atomically and fsynced before this resolves). */
  commit(position: TailPosition): Promise<void>;
  /** Points appended after the tail's read position: the backlog (records the store could not read count as 0). */
  pendingPoints(): number | null;
  /** WAL bytes after the tail's read position: the backlog on disk. */
  pendingBytes(): number;
  /** Ends the iteration (a waiting `next()` resolves done) and releases the reader; keeps the cursor. */
  close(): Promise<void>;
  /** Forgets the cursor for good, so it no longer holds WAL segments. */
  remove(): Promise<void>;
}
