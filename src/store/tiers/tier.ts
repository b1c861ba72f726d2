import type { Logger } from '../../log/index.js';
import type { RollupRows } from '../encoding/index.js';
import { decodeRollupPage } from '../encoding/index.js';
import type { Pending } from './pending-pages.js';
import { PendingPages } from './pending-pages.js';
import type { RollupRunner } from './rollup-runner.js';
import type { TierPage, TierRing } from './tier-ring.js';

/** Raw bytes of pages packed into one extent of a tier. */
const EXTENT_BYTES = 256 * 1024;
/** Pending pages of a tier beyond this are written early, largest series first. */
const PENDING_BYTES_CAP = 32 * 1024 * 1024;

export interface TierCounters {
  /** Rows written to this tier's ring. */
  rowsWritten: number;
  /** Lower-tier points (raw samples, or rows) rolled into this tier. */
  pointsIn: number;
  /** Newest sample time covered by rows written to this tier's ring (-Infinity: none). */
  newestWritten: number;
  /** Oldest and newest sample times covered by the lower-tier pages accepted (-Infinity: none). */
  firstIn: number;
  newestIn: number;
}

/**
 * One rollup tier: its ring, and the pages waiting to be joined into pages of `page_rows` rows.
 * Pages arrive per series in time order (`accept`); `flush` joins the due ones in the worker
 * pool, writes them and hands their rows at the next tier's resolution to that tier. A write
 * that fails puts its pages back, to be retried at the next flush.
 */
export class Tier {
  readonly ring: TierRing;
  readonly next: Tier | null;
  readonly pending = new PendingPages();
  readonly counters: TierCounters = { rowsWritten: 0, pointsIn: 0, newestWritten: -Infinity, firstIn: -Infinity, newestIn: -Infinity };
  readonly #run: RollupRunner;
  readonly #sketchDelta: number;
  readonly #logger: Logger;
  /** Deletes the ring's oldest files until `incoming` more bytes fit its share. */
  readonly #makeRoom: (tier: Tier, incoming: number) => Promise<void>;

  constructor(o: { ring: TierRing; next: Tier | null; run: RollupRunner; sketchDelta: number; logger: Logger; makeRoom: (tier: Tier, incoming: number) => Promise<void> }) {
    this.ring = o.ring;
    this.next = o.next;
    this.#run = o.run;
    this.#sketchDelta = o.sketchDelta;
    this.#logger = o.logger;
    this.#makeRoom = o.makeRoom;
  }

  get level(): number {
    return this.ring.settings.level;
  }

  get resolutionMs(): number {
    return this.ring.settings.resolutionMs;
  }

  /** A rollup page of `ref` at this tier's resolution, newer than everything accepted before for it. */
  accept(ref: number, bytes: Uint8Array, minT: number, maxT: number, rows: number, pointsIn: number, now: number): void {
    this.pending.add(ref, bytes, minT, maxT, rows, now);
    const c = this.counters;
    c.pointsIn += pointsIn;
    if (c.firstIn === -Infinity || minT < c.firstIn) c.firstIn = minT;
    if (maxT > c.newestIn) c.newestIn = maxT;
  }

  /** Writes the series that are due (`all`: every pending series, as at shutdown). */
  async flush(now: number, all = false): Promise<void> {
    const s = this.ring.settings;
    // A series that went quiet is still written within a page's worth of time.
    const due = new Set(this.pending.due(s.pageRows, now - s.pageRows * s.resolutionMs, all));
    if (this.pending.bytes > PENDING_BYTES_CAP) for (const ref of this.pending.largest(64)) due.add(ref);
    const refs = [...due];
    for (let i = 0; i < refs.length; ) {
      const batch: { ref: number; p: Pending }[] = [];
      let bytes = 0;
      while (i < refs.length && (bytes < EXTENT_BYTES || batch.length === 0)) {
        const ref = refs[i++]!;
        const p = this.pending.take(ref);
        if (p === undefined) continue;
        batch.push({ ref, p });
        bytes += p.bytes;
      }
      if (batch.length > 0) await this.#write(batch);
    }
  }

  async #write(batch: { ref: number; p: Pending }[]): Promise<void> {
    const nextRes = this.next?.resolutionMs ?? 0;
    try {
      const out = await this.#run({ source: 'rollup', groups: batch.map((b) => b.p.pages), sketch: batch.map(() => true), resolutionMs: this.resolutionMs, nextResolutionMs: nextRes, sketchDelta: this.#sketchDelta });
      const stride = nextRes > 0 ? 2 : 1;
      const pages: TierPage[] = batch.map((b, k) => ({ ref: b.ref, minT: b.p.minT, maxT: b.p.maxT, rows: rowCount(out[k * stride]!), bytes: out[k * stride]! }));
      await this.#makeRoom(this, pages.reduce((n, p) => n + p.bytes.length + 56, 0));
      await this.ring.append(pages);
      for (const p of pages) {
        this.counters.rowsWritten += p.rows;
        if (p.maxT > this.counters.newestWritten) this.counters.newestWritten = p.maxT;
      }
      if (this.next !== null) {
        const now = Date.now();
        batch.forEach((b, k) => {
          const next = out[k * stride + 1]!;
          this.next!.accept(b.ref, next, b.p.minT, b.p.maxT, rowCount(next), pages[k]!.rows, now);
        });
      }
    } catch (err) {
      for (const b of batch) this.pending.restore(b.ref, b.p);
      this.#logger.warn('writing rollup pages failed; will retry', { component: 'store', tier: this.level, error: (err as Error).message });
      throw err;
    }
  }

  /**
   * Rows of `ref` whose buckets may hold samples in [minT, maxT], from written pages then
   * pending ones, in time order (a bucket split by a page boundary comes as two rows).
   */
  async rows(ref: number, minT: number, maxT: number, onCorrupt: (err: Error) => void): Promise<RollupRows[]> {
    const out: RollupRows[] = [];
    for (const entry of this.ring.overlapping(ref, minT - this.resolutionMs, maxT + this.resolutionMs)) {
      try {
        out.push((await this.ring.read(entry)).rows);
      } catch (err) {
        onCorrupt(err as Error);
      }
    }
    const p = this.pending.get(ref);
    if (p !== undefined && p.maxT >= minT - this.resolutionMs) for (const bytes of p.pages) out.push(decodeRollupPage(bytes).rows);
    return out;
  }

  /** Newest raw sample time covered by written and pending rows of `ref` (-Infinity: none). */
  coveredMaxT(ref: number): number {
    return Math.max(this.ring.writtenMaxT(ref), this.pending.get(ref)?.maxT ?? -Infinity);
  }
}

/** Rows in an encoded rollup page (its header, docs/format/rollup-page.md). */
export function rowCount(page: Uint8Array): number {
  return (page[2]! | (page[3]! << 8)) + 1;
}
