import { segmentNumber } from '../wal/index.js';
import type { Checkpointer } from './checkpoint.js';
import { walNeededFrom } from './wal-retention.js';
import type { StoreParts } from './parts.js';
import { keepFromForShare, walShareBytes } from './wal-share.js';
import { rawBudgetBytes } from '../tiers/index.js';

/**
 * The hard disk budget: the WAL within its share, and WAL + datafiles + index within
 * `store.max_disk_bytes` (oldest datafiles go first). Checked after every append; enforced
 * one run at a time.
 */
export class BudgetKeeper {
  readonly #parts: StoreParts;
  readonly #checkpoints: () => Checkpointer;
  #enforcing: Promise<void> | null = null;

  constructor(parts: StoreParts, checkpoints: () => Checkpointer) {
    this.#parts = parts;
    this.#checkpoints = checkpoints;
  }

  /** Bytes under the store directory that count against the budget. */
  usedBytes(): number {
    const { wal, ring, index } = this.#parts;
    return wal.sizeBytes() + ring.sizeBytes() + index.sizeBytes + this.#checkpoints().bytes;
  }

  /** Starts enforcement at once when the WAL or the total is over. */
  check(): void {
    if (this.#enforcing !== null) return;
    const c = this.#parts.config;
    if (this.#parts.wal.sizeBytes() <= walShareBytes(c.max_disk_bytes) && this.usedBytes() <= rawBudgetBytes(this.#parts.options)) return;
    this.#enforcing = this.enforce()
      .catch((err: Error) => this.#parts.logger.warn('store budget enforcement failed', { component: 'store', error: err.message }))
      .finally(() => {
        this.#enforcing = null;
      });
  }

  /** Waits for an enforcement under way. */
  async idle(): Promise<void> {
    await this.#enforcing;
  }

  /**
   * Before an append: while an enforcement is under way and the store is already a datafile or
   * more past its budget (or the WAL a segment past its share), the append waits for it. Ingest
   * faster than deletion (a starved CPU, a slow checkpoint) then slows down instead of pushing
   * the directory past the cap; clients see the slower answers as backpressure.
   */
  async throttle(): Promise<void> {
    if (this.#enforcing === null) return;
    const c = this.#parts.config;
    const walOver = this.#parts.wal.sizeBytes() - walShareBytes(c.max_disk_bytes) > c.wal.segment_bytes;
    if (walOver || this.usedBytes() - rawBudgetBytes(this.#parts.options) > c.datafile_bytes) await this.#enforcing;
  }

  /**
   * Keeps the WAL within its share: the head is checkpointed first, so dropping the oldest
   * segments costs the head nothing; segments an exporter's cursor still needs are dropped
   * anyway (the tail reports the gap with its exact point count) and counted. Then datafiles
   * make room for the total.
   */
  async enforce(): Promise<void> {
    const { config: c, wal, counters } = this.#parts;
    const share = walShareBytes(c.max_disk_bytes);
    if (wal.sizeBytes() > share) {
      const checkpoints = this.#checkpoints();
      await checkpoints.write();
      const keepFrom = keepFromForShare(wal.segments(), share);
      const stillNeeded = walNeededFrom(this.#parts, checkpoints);
      if (stillNeeded < keepFrom) counters.walLost.add(keepFrom - Math.max(stillNeeded, wal.oldestSegment()));
      await wal.deleteSegmentsBefore(segmentNumber(keepFrom));
    }
    await this.makeRoom(0);
  }

  /** Deletes the oldest datafiles until `incoming` more bytes fit in the disk budget. */
  async makeRoom(incoming: number): Promise<void> {
    const { ring } = this.#parts;
    // The rollup tiers keep their own shares (store/tiers); raw data gets the rest. The ring
    // drops the pages of what it deletes from its page index.
    const budget = rawBudgetBytes(this.#parts.options);
    while (this.usedBytes() + incoming > budget && ring.files().length > 1) {
      if ((await ring.deleteOldest()) === null) break;
    }
  }
}
