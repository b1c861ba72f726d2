import type { Tail, TailBatch, TailEntry, TailPosition } from '../store/index.js';
import type { ExporterStats } from './exporter-stats.js';
import type { ForwardBatch } from './forward-batch.js';
import { BatchAssembler } from './forward-batch.js';

/** What the exporter does next: deliver a batch, or pass a gap; then commit `position` (if any). */
export type ReadItem =
  | { readonly kind: 'batch'; readonly batch: ForwardBatch; readonly position: TailPosition | null; readonly replay: boolean }
  | { readonly kind: 'gap'; readonly cause: 'dropped' | 'corrupt'; readonly lostPoints: number | null; readonly firstSegment: number; readonly lastSegment: number; readonly position: TailPosition };

export interface TailReaderOptions {
  readonly maxBatchPoints: number;
  /** Points older than this (ms before now) are skipped and counted; 0 keeps all. */
  readonly maxAgeMs: number;
  readonly now: () => number;
}

/**
 * Turns the store's tail into request-sized batches: consecutive WAL batches are merged up to
 * `maxBatchPoints` while more is already written (a backlog drains in full requests), and a
 * batch goes out as soon as the tail has nothing more (live data is not held back). A WAL
 * batch larger than a request is cut across requests; its position is committed only after
 * its last part. Memory: one request's points at a time, whatever the backlog.
 */
export class TailReader {
  readonly #tail: Tail;
  readonly #iterator: AsyncIterator<TailEntry>;
  readonly #o: TailReaderOptions;
  readonly #stats: ExporterStats;
  readonly #assembler = new BatchAssembler();
  /** A WAL batch partly taken into an earlier request, and the next row to take. */
  #carry: { entry: TailBatch; row: number } | null = null;
  #gap: Extract<ReadItem, { kind: 'gap' }> | null = null;
  /** Points still to be read that were already in the WAL when the tail opened (sent before, maybe). */
  #replayLeft: number;

  constructor(tail: Tail, o: TailReaderOptions, stats: ExporterStats) {
    this.#tail = tail;
    this.#iterator = tail[Symbol.asyncIterator]();
    this.#o = o;
    this.#stats = stats;
    this.#replayLeft = tail.pendingPoints() ?? 0;
  }

  /** The next item; null once the tail is closed. */
  async next(): Promise<ReadItem | null> {
    if (this.#gap !== null) {
      const gap = this.#gap;
      this.#gap = null;
      return gap;
    }
    let position: TailPosition | null = null;
    const replay = this.#replayLeft > 0;
    for (;;) {
      if (this.#carry !== null) {
        const done = this.#take(this.#carry.entry, this.#carry.row);
        if (done < 0) return this.#emit(position, replay);
        position = this.#carry.entry.position;
        this.#carry = null;
        continue;
      }
      // Stop merging once the request is full, or when waiting would hold back what we have.
      if (this.#assembler.pointCount >= this.#o.maxBatchPoints) return this.#emit(position, replay);
      if (this.#assembler.pointCount > 0 && (this.#tail.pendingPoints() ?? 0) === 0) return this.#emit(position, replay);
      const r = await this.#iterator.next();
      if (r.done === true) return this.#assembler.pointCount > 0 || position !== null ? this.#emit(position, replay) : null;
      const entry = r.value;
      if (entry.kind === 'gap') {
        this.#gap = { kind: 'gap', cause: entry.cause, lostPoints: entry.lostPoints, firstSegment: entry.firstSegment, lastSegment: entry.lastSegment, position: entry.position };
        this.#replayLeft = Math.max(0, this.#replayLeft - (entry.lostPoints ?? 0));
        if (this.#assembler.pointCount > 0 || position !== null) return this.#emit(position, replay);
        return this.next();
      }
      this.#replayLeft = Math.max(0, this.#replayLeft - entry.batch.pointCount);
      this.#carry = { entry, row: 0 };
    }
  }

  /** Takes rows of `entry` from `row` on until the request is full: -1 when some are left (carried). */
  #take(entry: TailBatch, row: number): number {
    const { batch, definitions } = entry;
    const oldest = this.#o.maxAgeMs > 0 ? this.#o.now() - this.#o.maxAgeMs : -Infinity;
    let expired = 0;
    let orphaned = 0;
    let r = row;
    for (; r < batch.pointCount; r++) {
      if (this.#assembler.pointCount >= this.#o.maxBatchPoints) break;
      if (batch.timeMs[r]! < oldest) expired++;
      else if (!this.#assembler.addRow(batch, definitions, r)) orphaned++;
    }
    this.#stats.dropped('expired', expired);
    this.#stats.dropped('no_definition', orphaned);
    if (r < batch.pointCount) {
      this.#carry = { entry, row: r };
      return -1;
    }
    return r;
  }

  #emit(position: TailPosition | null, replay: boolean): ReadItem {
    const batch = this.#assembler.finish();
    if (replay) this.#stats.replay(batch.pointCount);
    return { kind: 'batch', batch, position, replay };
  }
}
