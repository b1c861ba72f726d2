import type { Logger } from '../../log/index.js';
import type { RollupRows } from '../encoding/index.js';
import { decodeRollupPage } from '../encoding/index.js';
import { rawPageRows } from '../rollup/index.js';
import { PendingPages } from './pending-pages.js';
import type { RollupRunner } from './rollup-runner.js';
import type { TierGroup } from './tier-groups.js';
import { byExtent, cutGroups } from './tier-groups.js';
import type { TierPage, TierRing } from './tier-ring.js';

/** Raw bytes of pages packed into one extent of a tier, at most. */
const EXTENT_BYTES = 256 * 1024;
/** Pending bytes joined in one worker job. */
const JOB_BYTES = 256 * 1024;
/** A page's descriptor and journal entry in the ring, about (docs/format/datafile.md). */
const PAGE_OVERHEAD = 56;
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
 * One rollup tier: its ring, and the lower pages waiting to become its pages of `page_rows`
 * rows — raw pages for tier 1 (`source` raw), rollup pages of the lower tier's rows for tier 2.
 * Pages arrive per series in time order (`accept`); `flush` rolls the due ones up in the worker
 * pool, writes them and hands their rows at the next tier's resolution to that tier. A write
 * that fails puts its pages back, to be retried at the next flush.
 */
export class Tier {
  readonly ring: TierRing;
  readonly next: Tier | null;
  /** What its pending pages are: raw pages (tier 1), or rollup pages (tier 2). */
  readonly source: 'raw' | 'rollup';
  /** Whether the rows of raw series `ref` get sketches (rollups.gauge_sketches); set by the tier set. */
  sketchFor: (ref: number) => boolean = () => false;
  readonly pending = new PendingPages();
  readonly counters: TierCounters = { rowsWritten: 0, pointsIn: 0, newestWritten: -Infinity, firstIn: -Infinity, newestIn: -Infinity };
  readonly #run: RollupRunner;
  readonly #sketchDelta: number;
  readonly #logger: Logger;
  /** Deletes the ring's oldest files until `incoming` more bytes fit its share. */
  readonly #makeRoom: (tier: Tier, incoming: number) => Promise<void>;
  #flushing: Promise<void> = Promise.resolve();

  constructor(o: { ring: TierRing; next: Tier | null; source: 'raw' | 'rollup'; run: RollupRunner; sketchDelta: number; logger: Logger; makeRoom: (tier: Tier, incoming: number) => Promise<void> }) {
    this.ring = o.ring;
    this.next = o.next;
    this.source = o.source;
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

  /**
   * A lower page of `ref` (raw, or rollup rows at this tier's resolution), newer than everything
   * accepted before for it; `rows`: its rows at this resolution, or a bound on them.
   */
  accept(ref: number, bytes: Uint8Array, minT: number, maxT: number, rows: number, pointsIn: number, now: number): void {
    this.pending.add(ref, { bytes, minT, maxT, rows, pointsIn }, now);
    const c = this.counters;
    c.pointsIn += pointsIn;
    if (c.firstIn === -Infinity || minT < c.firstIn) c.firstIn = minT;
    if (maxT > c.newestIn) c.newestIn = maxT;
  }

  /**
   * Writes the series that are due (`all`: every pending series, as at shutdown). One flush at a
   * time, so a series' pages reach the ring and the next tier in time order.
   */
  flush(now: number, all = false): Promise<void> {
    const run = this.#flushing.then(() => this.#flushNow(now, all));
    this.#flushing = run.catch(() => undefined);
    return run;
  }

  async #flushNow(now: number, all: boolean): Promise<void> {
    const s = this.ring.settings;
    // A series that went quiet is still written within a page's worth of time.
    const due = new Set(this.pending.due(s.pageRows, now - s.pageRows * s.resolutionMs, all));
    if (this.pending.bytes > PENDING_BYTES_CAP) for (const ref of this.pending.largest(64)) due.add(ref);
    let batch: TierGroup[] = [];
    let bytes = 0;
    for (const ref of due) {
      const p = this.pending.take(ref);
      if (p === undefined) continue;
      batch.push(...cutGroups(ref, p.parts, p.since, s.pageRows, this.next?.coveredMaxT(ref) ?? Infinity));
      bytes += p.bytes;
      if (bytes < JOB_BYTES) continue;
      const full = batch;
      batch = [];
      bytes = 0;
      await this.#write(full);
    }
    if (batch.length > 0) await this.#write(batch);
  }

  /**
   * Joins the groups' parts into pages in the worker pool and appends them in extents of at most
   * a quarter of a datafile, each after making room in the tier's share (so a file never grows
   * past one datafile and the share holds). On a failure the groups not yet written go back to
   * pending, for the next flush.
   */
  async #write(groups: TierGroup[]): Promise<void> {
    const nextRes = this.next?.resolutionMs ?? 0;
    let written = 0;
    try {
      const out = await this.#run({ source: this.source, groups: groups.map((g) => g.parts.map((p) => p.bytes)), sketch: groups.map((g) => this.source === 'rollup' || this.sketchFor(g.ref)), resolutionMs: this.resolutionMs, nextResolutionMs: nextRes, sketchDelta: this.#sketchDelta });
      const stride = nextRes > 0 ? 2 : 1;
      const pages = groups.map((g, k) => {
        const bytes = out[k * stride]!;
        const page: TierPage = { ref: g.ref, minT: g.parts[0]!.minT, maxT: g.parts[g.parts.length - 1]!.maxT, rows: rowCount(bytes), bytes };
        return { ...page, group: g, next: nextRes > 0 ? out[k * stride + 1]! : null };
      });
      for (const extent of byExtent(pages, this.#extentBytes)) {
        await this.#makeRoom(this, extent.reduce((n, p) => n + p.bytes.length + PAGE_OVERHEAD, 0));
        await this.ring.append(extent);
        written += extent.length;
        const now = Date.now();
        for (const p of extent) {
          this.counters.rowsWritten += p.rows;
          if (p.maxT > this.counters.newestWritten) this.counters.newestWritten = p.maxT;
          if (this.next !== null && p.next !== null && p.group.forward) this.next.accept(p.ref, p.next, p.minT, p.maxT, rowCount(p.next), p.rows, now);
        }
      }
    } catch (err) {
      // Later groups of a series go back after its earlier ones, in front of rows that arrived since.
      const back = new Map<number, TierGroup[]>();
      for (const g of groups.slice(written)) back.set(g.ref, [...(back.get(g.ref) ?? []), g]);
      for (const [ref, gs] of back) this.pending.restore(ref, gs.flatMap((g) => g.parts), gs[0]!.since);
      this.#logger.warn('writing rollup pages failed; will retry', { component: 'store', tier: this.level, error: (err as Error).message });
      throw err;
    }
  }

  /** Bytes of pages per extent: a quarter of a datafile, so an extent never makes a file pass it. */
  get #extentBytes(): number {
    return Math.min(EXTENT_BYTES, Math.floor(this.ring.settings.datafileBytes / 4));
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
    if (p === undefined || this.pending.maxT(ref) < minT - this.resolutionMs) return out;
    const o = { resolutionMs: this.resolutionMs, sketchDelta: this.#sketchDelta };
    for (const part of p.parts) out.push(this.source === 'raw' ? rawPageRows(part.bytes, this.sketchFor(ref), o) : decodeRollupPage(part.bytes).rows);
    return out;
  }

  /** Newest raw sample time covered by written and pending rows of `ref` (-Infinity: none). */
  coveredMaxT(ref: number): number {
    return Math.max(this.ring.writtenMaxT(ref), this.pending.maxT(ref));
  }
}

/** Buckets of `resolutionMs` that samples in [minT, maxT] may fall in: a bound on a raw page's rows. */
export function rowsSpanned(minT: number, maxT: number, resolutionMs: number): number {
  return Math.ceil(maxT / resolutionMs) - Math.ceil(minT / resolutionMs) + 1;
}

/** Rows in an encoded rollup page (its header, docs/format/rollup-page.md). */
export function rowCount(page: Uint8Array): number {
  return (page[2]! | (page[3]! << 8)) + 1;
}
