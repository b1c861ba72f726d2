import type { LabelMatcher, MetricMetadata, Querier, SeriesRollups, SeriesSamples, TierInfo, TsdbStatus } from '../../query/index.js';
import { RollupRows } from '../encoding/index.js';
import type { StoreParts } from '../disk/parts.js';
import type { StoreQuerier } from '../read/store-querier.js';
import { RowMerger, SketchBuilder } from '../rollup/index.js';
import type { Held } from './stitch.js';
import { stitch } from './stitch.js';
import { appendSamplesAsRows } from './sample-rows.js';

/** The store's querier with the rollup tiers (none: the plain one). */
export function tieredQuerier(parts: StoreParts, base: StoreQuerier): Querier {
  return parts.tiers === null ? base : new TieredQuerier(parts, base);
}

/**
 * The store's reads with rollup tiers: everything the plain querier does, plus rows of the
 * tiers stitched with raw samples (`selectRollups`, docs/tiers.md).
 */
class TieredQuerier implements Querier {
  readonly #parts: StoreParts;
  readonly #base: StoreQuerier;
  readonly #merger = new RowMerger();

  constructor(parts: StoreParts, base: StoreQuerier) {
    this.#parts = parts;
    this.#base = base;
  }

  select(matchers: readonly LabelMatcher[], minT: number, maxT: number): Promise<SeriesSamples[]> {
    return this.#base.select(matchers, minT, maxT);
  }

  selectStream(matchers: readonly LabelMatcher[], minT: number, maxT: number): AsyncIterable<SeriesSamples> {
    return this.#base.selectStream(matchers, minT, maxT);
  }

  tsdbStatus(limit: number): Promise<TsdbStatus> {
    return this.#base.tsdbStatus(limit);
  }

  metadata(): Promise<MetricMetadata[]> {
    return this.#base.metadata();
  }

  series(matchers: readonly LabelMatcher[], minT: number, maxT: number): Promise<(readonly (readonly [string, string])[])[]> {
    return this.#base.series(matchers, minT, maxT);
  }

  labelNames(matchers: readonly LabelMatcher[], minT: number, maxT: number): Promise<string[]> {
    return this.#base.labelNames(matchers, minT, maxT);
  }

  labelValues(name: string, matchers: readonly LabelMatcher[], minT: number, maxT: number): Promise<string[]> {
    return this.#base.labelValues(name, matchers, minT, maxT);
  }

  tiers(): TierInfo[] {
    const sketches = this.#parts.options.rollups?.gauge_sketches === true;
    return this.#parts.tiers!.tiers.map((t) => ({ level: t.level, resolutionMs: t.resolutionMs, sketches }));
  }

  rawHorizon(): number {
    const oldest = this.#parts.ring.files()[0];
    return oldest !== undefined && Number(oldest.file) > 1 ? oldest.minT : -Infinity;
  }

  async *selectRollups(matchers: readonly LabelMatcher[], minT: number, maxT: number, tier: number): AsyncIterable<SeriesRollups> {
    for (const ref of this.#base.refsMatching(matchers)) {
      const labels = this.#parts.index.labelsOf(ref);
      if (labels === undefined) continue;
      const out = await this.#rowsOf(ref, minT, maxT, tier);
      if (out.rows.length > 0) yield { labels, ...out };
    }
  }

  async #rowsOf(ref: number, minT: number, maxT: number, preferred: number): Promise<Omit<SeriesRollups, 'labels'>> {
    const tiers = this.#parts.tiers!.tiers;
    const held: (Held | null)[] = [this.#rawHeld(ref), ...tiers.map((t) => tierHeld(t.ring.oldestAtMost(ref) ?? t.pending.minT(ref), t.coveredMaxT(ref), t.resolutionMs))];
    const out = new RollupRows();
    out.reset(true);
    let used = 0;
    let sketched = true;
    const part = new RollupRows();
    for (const span of stitch(held, preferred, minT, maxT)) {
      used |= 1 << span.source;
      if (span.source === 0) {
        const samples = await this.#base.samplesOf(ref, span.from + 1, span.to);
        if (samples !== undefined) appendSamplesAsRows(samples.timestamps, samples.values, out);
        continue;
      }
      const t = tiers[span.source - 1]!;
      const pages = await t.rows(ref, span.from, span.to, () => undefined);
      sketched &&= pages.every((p) => p.hasSketch);
      // Join buckets a page boundary split, keep whole buckets ending in the span.
      this.#merger.begin(part, t.resolutionMs, sketched ? new SketchBuilder(this.#parts.tiers!.sketchDelta) : null);
      for (const rows of pages) for (let i = 0; i < rows.length; i++) if (rows.end[i]! > span.from && rows.end[i]! <= span.to) this.#merger.add(rows, i);
      this.#merger.finish();
      for (let i = 0; i < part.length; i++) out.copyRow(part, i);
    }
    return { rows: out, tiers: used, sketched };
  }

  /** Raw data of `ref`: from its oldest page (or, without pages, after what tier 1 covers). */
  #rawHeld(ref: number): Held {
    // The page index keeps whole seconds: raw is taken as holding its oldest page's whole first
    // second (its samples must not be left out; only sub-second data deleted with an older file
    // in that same second could then go missing).
    const oldest = this.#parts.pages.pagesOf(ref)[0]?.minT;
    const tier1 = this.#parts.tiers!.tiers[0]!;
    const lo = oldest !== undefined ? oldest - 1 : tier1.coveredMaxT(ref) === -Infinity ? -Infinity : tier1.coveredMaxT(ref);
    return { lo, hi: Infinity, resolutionMs: 0 };
  }
}

/** Complete buckets of a tier: from the first bucket after the one its oldest sample falls in, to the last bucket its newest sample closes. */
function tierHeld(oldest: number | undefined, newest: number, res: number): Held | null {
  if (oldest === undefined || newest === -Infinity) return null;
  const lo = Math.ceil(oldest / res) * res;
  const hi = Math.floor(newest / res) * res;
  return hi > lo ? { lo, hi, resolutionMs: res } : null;
}
