import type { SeriesDefinition } from '../model/index.js';
import type { Tail, TailBatch, TailEntry, TailGap, TailPosition } from '../store/index.js';
import type { ExporterStats } from './exporter-stats.js';
import type { ForwardBatch } from './forward-batch.js';
import { BatchAssembler } from './forward-batch.js';

/** What the exporter does next: deliver a batch, or pass a gap; then commit `position` (if any). */
export type ReadItem =
  | { readonly kind: 'batch'; readonly batch: ForwardBatch; readonly position: TailPosition | null; readonly replay: boolean }
  | (TailGap & {
      /** The newest point read before the gap (ms; -Infinity when none was): the lost span is after it. */
      readonly afterMs: number;
      /** The oldest point of the first batch after the gap (ms; Infinity when none came yet): the lost span is before it. */
      readonly beforeMs: number;
    });

export interface TailReaderOptions {
  readonly maxBatchPoints: number;
  /** Series not forwarded at all (the aggregation rules' `to` and `keep_input`); their points are skipped, not counted as dropped. */
  readonly leaveOut?: (def: SeriesDefinition) => boolean;
  /** Points older than this (ms before now) are skipped and counted; 0 keeps all. */
  readonly maxAgeMs: number;
  readonly now: () => number;
  /** false: nothing already in the WAL counts as possibly sent before (a reader opened mid-run). */
  readonly replay?: boolean;
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
  /**
   * A WAL batch partly taken into an earlier request, the next row to take, and whether the
   * batch was in the WAL when the tail opened (its rows may be upstream, in whichever request
   * they go out).
   */
  #carry: { entry: TailBatch; row: number; replay: boolean } | null = null;
  /** A gap met after assembling points (or of another cause, met while bounding one): read next. */
  #pendingGap: TailGap | null = null;
  /** Newest point time read so far: where a gap's lost span begins. */
  #newestMs = -Infinity;
  /** Points still to be read that were already in the WAL when the tail opened (sent before, maybe). */
  #replayLeft: number;

  constructor(tail: Tail, o: TailReaderOptions, stats: ExporterStats) {
    this.#tail = tail;
    this.#iterator = tail[Symbol.asyncIterator]();
    this.#o = o;
    this.#stats = stats;
    this.#replayLeft = o.replay === false ? 0 : (tail.pendingPoints() ?? 0);
  }

  /** The next item; null once the tail is closed. */
  async next(): Promise<ReadItem | null> {
    let position: TailPosition | null = null;
    let replay = false;
    for (;;) {
      if (this.#carry !== null) {
        replay ||= this.#carry.replay;
        const done = this.#take(this.#carry.entry, this.#carry.row);
        if (done < 0) return this.#emit(position, replay);
        position = this.#carry.entry.position;
        this.#carry = null;
        continue;
      }
      // Stop merging once the request is full, or when waiting would hold back what we have.
      if (this.#assembler.pointCount >= this.#o.maxBatchPoints) return this.#emit(position, replay);
      if (this.#assembler.pointCount > 0 && (this.#tail.pendingPoints() ?? 0) === 0) return this.#emit(position, replay);
      let entry: TailEntry;
      if (this.#pendingGap !== null) {
        entry = this.#pendingGap;
        this.#pendingGap = null;
      } else {
        const r = await this.#iterator.next();
        if (r.done === true) return this.#assembler.pointCount > 0 || position !== null ? this.#emit(position, replay) : null;
        entry = r.value;
      }
      if (entry.kind === 'gap') {
        // What was assembled goes first: bounding the gap may wait for the next write.
        if (this.#assembler.pointCount > 0 || position !== null) {
          this.#pendingGap = entry;
          return this.#emit(position, replay);
        }
        return this.#boundGap(entry);
      }
      this.#carry = { entry, row: 0, replay: this.#replayLeft > 0 };
      this.#replayLeft = Math.max(0, this.#replayLeft - entry.batch.pointCount);
    }
  }

  /**
   * The gap with the time span it lost: after the newest point read before it, before the
   * oldest point of the next batch (read now and carried; further gaps right after it merge).
   */
  async #boundGap(first: TailGap): Promise<Extract<ReadItem, { kind: 'gap' }>> {
    let lost = first.lostPoints;
    let last = first;
    let beforeMs = Infinity;
    for (;;) {
      this.#replayLeft = Math.max(0, this.#replayLeft - (last.lostPoints ?? 0));
      const r = await this.#iterator.next();
      if (r.done === true) break;
      if (r.value.kind === 'gap') {
        if (r.value.cause !== first.cause) {
          // Another kind of loss: keep it for after this one (reported on its own, unbounded).
          this.#pendingGap = r.value;
          break;
        }
        last = r.value;
        lost = lost === null || last.lostPoints === null ? null : lost + last.lostPoints;
        continue;
      }
      const b = r.value.batch;
      for (let i = 0; i < b.pointCount; i++) if (b.timeMs[i]! < beforeMs) beforeMs = b.timeMs[i]!;
      this.#carry = { entry: r.value, row: 0, replay: this.#replayLeft > 0 };
      this.#replayLeft = Math.max(0, this.#replayLeft - b.pointCount);
      break;
    }
    return { kind: 'gap', cause: first.cause, lostPoints: lost, firstSegment: first.firstSegment, lastSegment: last.lastSegment, position: last.position, afterMs: this.#newestMs, beforeMs };
  }

  /** Takes rows of `entry` from `row` on until the request is full: -1 when some are left (carried). */
  #take(entry: TailBatch, row: number): number {
    const { batch, definitions } = entry;
    const oldest = this.#o.maxAgeMs > 0 ? this.#o.now() - this.#o.maxAgeMs : -Infinity;
    const leaveOut = this.#o.leaveOut;
    let expired = 0;
    let orphaned = 0;
    let r = row;
    for (; r < batch.pointCount; r++) {
      if (this.#assembler.pointCount >= this.#o.maxBatchPoints) break;
      const t = batch.timeMs[r]!;
      if (t > this.#newestMs) this.#newestMs = t;
      const def = leaveOut === undefined ? undefined : definitions[batch.series[r]!];
      if (t < oldest) expired++;
      else if (def !== undefined && leaveOut!(def)) continue;
      else if (!this.#assembler.addRow(batch, definitions, r)) orphaned++;
    }
    this.#stats.dropped('expired', expired);
    this.#stats.dropped('no_definition', orphaned);
    if (r < batch.pointCount) {
      this.#carry = { entry, row: r, replay: this.#carry?.replay ?? false };
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
