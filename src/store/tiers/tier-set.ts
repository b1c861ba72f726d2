import type { Config } from '../../config/index.js';
import type { Logger } from '../../log/index.js';
import type { SeriesIndex } from '../series/index.js';
import type { RollupRunner } from './rollup-runner.js';
import { rollupHere } from './rollup-runner.js';
import { rowsSpanned, Tier } from './tier.js';
import { TierRing } from './tier-ring.js';
import { tierSettings } from './tier-settings.js';

export interface TierSetOptions {
  readonly config: Pick<Config, 'store' | 'rollups'>;
  readonly logger: Logger;
  readonly index: SeriesIndex;
  readonly compress: (raw: Uint8Array) => Promise<Uint8Array>;
  readonly decompress: (bytes: Uint8Array, rawLength: number) => Uint8Array | Promise<Uint8Array>;
  /** Rollup work in the worker pool (the agent's); here when absent. */
  readonly rollup?: RollupRunner;
  readonly now: () => number;
}

export interface TierStats {
  readonly level: number;
  readonly pointsIn: number;
  readonly rowsWritten: number;
  readonly lagMs: number;
}

/** Counter-like names (PromQL's convention, as rate() warns): they get no sketches. */
const COUNTER_SUFFIXES = ['_total', '_sum', '_count', '_bucket'];
const SKETCH_UNKNOWN = 0;
const SKETCH_NO = 1;
const SKETCH_YES = 2;

/**
 * The rollup tiers of a store (docs/tiers.md): tier 1 keeps every raw page as it is written
 * and rolls them up in the worker pool when it writes its own page, tier 2 gets the rows of
 * every tier 1 page. Each keeps its own ring, share of the disk budget and
 * max_age. After a restart, `catchUp` (catch-up.ts) rolls up what the lower tier holds beyond a
 * tier's newest rows: rows that were only pending when the agent stopped, or a tier whose files
 * were lost.
 */
export class TierSet {
  readonly tiers: readonly Tier[];
  readonly #o: TierSetOptions;
  readonly #sketchDelta: number;
  #sketchOf = new Uint8Array(1024);
  /** Series whose catch-up is not done yet: their live rows wait so every tier gets rows in time order. */
  readonly #held = new Map<number, { bytes: Uint8Array; minT: number; maxT: number; rows: number; points: number }[]>();
  #holding = false;

  private constructor(o: TierSetOptions, tiers: Tier[]) {
    this.#o = o;
    this.tiers = tiers;
    this.#sketchDelta = 1 / o.config.rollups.sketch_compression;
    this.first.sketchFor = (ref) => this.sketchFor(ref);
  }

  static async open(o: TierSetOptions, makeRoom: (tier: Tier, incoming: number) => Promise<void>): Promise<TierSet | null> {
    const settings = tierSettings(o.config);
    if (settings.length === 0) return null;
    const run = o.rollup ?? rollupHere;
    const rings: TierRing[] = [];
    for (const s of settings) {
      const opened = await TierRing.open({ storePath: o.config.store.path, settings: s, compress: o.compress, decompress: o.decompress, logger: o.logger });
      rings.push(opened.tier);
    }
    const delta = 1 / o.config.rollups.sketch_compression;
    let next: Tier | null = null;
    const tiers: Tier[] = [];
    for (let i = rings.length - 1; i >= 0; i--) {
      next = new Tier({ ring: rings[i]!, next, source: i === 0 ? 'raw' : 'rollup', run, sketchDelta: delta, logger: o.logger, makeRoom });
      tiers.unshift(next);
    }
    return new TierSet(o, tiers);
  }

  get first(): Tier {
    return this.tiers[0]!;
  }

  get sketchDelta(): number {
    return this.#sketchDelta;
  }

  /** Whether the float series `ref` gets sketches: gauges, when rollups.gauge_sketches is on. */
  sketchFor(ref: number): boolean {
    if (!this.#o.config.rollups.gauge_sketches) return false;
    if (ref >= this.#sketchOf.length) {
      const grown = new Uint8Array(Math.max(ref + 1, this.#sketchOf.length * 2));
      grown.set(this.#sketchOf);
      this.#sketchOf = grown;
    }
    if (this.#sketchOf[ref] === SKETCH_UNKNOWN) {
      const name = this.#o.index.labelsOf(ref)?.find(([k]) => k === '__name__')?.[1] ?? '';
      this.#sketchOf[ref] = COUNTER_SUFFIXES.some((s) => name.endsWith(s)) ? SKETCH_NO : SKETCH_YES;
    }
    return this.#sketchOf[ref] === SKETCH_YES;
  }

  /** Raw pages just written to the raw ring (docs/format/page.md), for tier 1. */
  acceptRaw(pages: readonly { readonly ref: number; readonly minT: number; readonly maxT: number; readonly count: number }[], encoded: readonly Uint8Array[]): void {
    const now = this.#o.now();
    const res = this.first.resolutionMs;
    pages.forEach((p, k) => {
      // A page of its own, not a view that would keep the worker's whole reply alive.
      const view = encoded[k]!;
      const bytes = view.byteLength === view.buffer.byteLength ? view : view.slice();
      const rows = rowsSpanned(p.minT, p.maxT, res);
      const held = this.#holding ? this.#held.get(p.ref) : undefined;
      if (held !== undefined) held.push({ bytes, minT: p.minT, maxT: p.maxT, rows, points: p.count });
      else this.first.accept(p.ref, bytes, p.minT, p.maxT, rows, p.count, now);
    });
  }

  /** Live rows of these series wait until `release(ref)` (their catch-up runs meanwhile). */
  hold(refs: Iterable<number>): void {
    this.#holding = true;
    for (const ref of refs) this.#held.set(ref, []);
  }

  /** Ends the wait of `ref`: its held rows follow the caught-up ones. */
  release(ref: number): void {
    const held = this.#held.get(ref);
    if (held === undefined) return;
    this.#held.delete(ref);
    const now = this.#o.now();
    for (const h of held) this.first.accept(ref, h.bytes, h.minT, h.maxT, h.rows, h.points, now);
    if (this.#held.size === 0) this.#holding = false;
  }

  /** Set while `catchUp` runs: the periodic flush waits, so tier 2's catch-up comes before tier 1's new pages. */
  catchingUp = false;
  /** Set when the store shuts down: a catch-up stops after its current batch (the next start goes on). */
  closing = false;

  /** The periodic work: write due rows, forget rows past max_age, sync. */
  async maintain(): Promise<void> {
    if (!this.catchingUp) await this.flush();
    await this.expire();
    await this.sync();
  }

  /** Writes due pending rows, finest tier first (its pages feed the next). */
  async flush(all = false): Promise<void> {
    for (const t of this.tiers) await t.flush(this.#o.now(), all);
  }

  /** Drops rows past each tier's max_age. */
  async expire(): Promise<void> {
    for (const t of this.tiers) if (t.ring.settings.maxAgeMs > 0) await t.ring.deleteOlderThan(this.#o.now() - t.ring.settings.maxAgeMs);
  }

  /**
   * Per tier, finest first: points rolled up into it, rows written, and its lag (ms of sample
   * time between the newest raw page cut and the newest row the tier has written; rows wait
   * for a page of `page_rows`, so a tier keeping up lags by up to a page's span).
   */
  stats(): TierStats[] {
    const newest = this.first.counters.newestIn;
    return this.tiers.map((t) => {
      const c = t.counters;
      const written = c.newestWritten === -Infinity ? this.first.counters.firstIn : c.newestWritten;
      return { level: t.level, pointsIn: c.pointsIn, rowsWritten: c.rowsWritten, lagMs: newest === -Infinity ? 0 : Math.max(0, newest - written) };
    });
  }

  sizeBytes(): number {
    return this.tiers.reduce((n, t) => n + t.ring.sizeBytes(), 0);
  }

  async sync(): Promise<void> {
    for (const t of this.tiers) await t.ring.ring.sync();
  }

  /** Writes every pending row (so the next start has nothing to catch up), then closes the rings. */
  async close(): Promise<void> {
    try {
      await this.flush(true);
    } catch (err) {
      this.#o.logger.warn('rollup rows pending at shutdown not written; the next start rolls them up again', { component: 'store', error: (err as Error).message });
    }
    for (const t of this.tiers) await t.ring.ring.close();
  }
}
