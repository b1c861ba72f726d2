import type { PromLabels } from '../flatten/index.js';
import { familyMetadata } from '../flatten/index.js';
import type { Head } from '../head/index.js';
import { concatSamples } from '../head/index.js';
import type { LabelMatcher, MetricMetadata, Querier, SeriesSamples, TsdbStatus } from '../../query/index.js';
import { tsdbStatus } from './tsdb-status.js';
import { matcherPredicate } from '../../query/index.js';
import type { PageIndex, PageLocation } from '../ring/index.js';
import type { SeriesIndex } from '../series/index.js';
import { orderedRuns } from './ordered-parts.js';

export interface QuerierParts {
  readonly index: SeriesIndex;
  /** The ring's page index: which written pages of a series overlap a range. */
  readonly pages: Pick<PageIndex, 'overlapping' | 'hasOverlap'>;
  readonly head: Head;
  /** Decoded samples of a written page; rejects when the page cannot be read. */
  readonly readPage: (location: PageLocation) => Promise<{ timestamps: Float64Array; values: Float64Array; count: number }>;
  /** A page that could not be read (the ring has already counted a damaged extent, once). */
  readonly onCorruptPage: (err: Error, location: PageLocation) => void;
}

/**
 * Reads the store for the query API: series by label matchers through the postings, samples
 * from written pages (oldest first) then the head. A page that cannot be read is skipped, so one
 * corrupt extent costs its own samples, not the query; the ring counts it once and the page
 * index leaves it out of later queries.
 */
export class StoreQuerier implements Querier {
  readonly #p: QuerierParts;

  constructor(parts: QuerierParts) {
    this.#p = parts;
  }

  async select(matchers: readonly LabelMatcher[], minT: number, maxT: number): Promise<SeriesSamples[]> {
    const out: SeriesSamples[] = [];
    for (const ref of this.#select(matchers)) {
      const s = await this.#samples(ref, minT, maxT);
      if (s !== undefined) out.push(s);
    }
    return out;
  }

  /** One series at a time, so the engine holds one series' samples rather than all of them. */
  async *selectStream(matchers: readonly LabelMatcher[], minT: number, maxT: number): AsyncIterable<SeriesSamples> {
    for (const ref of this.#select(matchers)) {
      const s = await this.#samples(ref, minT, maxT);
      if (s !== undefined) yield s;
    }
  }

  async tsdbStatus(limit: number): Promise<TsdbStatus> {
    return tsdbStatus(this.#p.index, this.#p.head, limit);
  }

  async metadata(): Promise<MetricMetadata[]> {
    const out: MetricMetadata[] = [];
    const otel = this.#p.index.otel;
    for (let ref = 0; ref < otel.count; ref++) {
      const def = otel.byRef(ref);
      if (def !== undefined) out.push(familyMetadata(def));
    }
    return out;
  }

  async series(matchers: readonly LabelMatcher[], minT: number, maxT: number): Promise<PromLabels[]> {
    const out: PromLabels[] = [];
    for (const ref of this.#select(matchers)) {
      if (!this.#hasData(ref, minT, maxT)) continue;
      const labels = this.#p.index.labelsOf(ref);
      if (labels !== undefined) out.push(labels);
    }
    return out;
  }

  async labelNames(matchers: readonly LabelMatcher[], minT: number, maxT: number): Promise<string[]> {
    if (matchers.length === 0 && minT === -Infinity && maxT === Infinity) return this.#p.index.labelNames();
    const names = new Set<string>();
    for (const labels of await this.series(matchers.length > 0 ? matchers : [ANY_NAME], minT, maxT)) for (const [k] of labels) names.add(k);
    return [...names].sort();
  }

  async labelValues(name: string, matchers: readonly LabelMatcher[], minT: number, maxT: number): Promise<string[]> {
    if (matchers.length === 0 && minT === -Infinity && maxT === Infinity) return this.#p.index.labelValues(name);
    const values = new Set<string>();
    const selected = matchers.length > 0 ? matchers : [{ name, type: '!=', value: '' } as const];
    for (const labels of await this.series(selected, minT, maxT)) {
      const v = labels.find(([k]) => k === name)?.[1];
      if (v !== undefined) values.add(v);
    }
    return [...values].sort();
  }

  /**
   * The index's selection, without the matchers that cannot exclude anything: one that
   * matches the empty value on a label no series has (`{l1!="x", l2!="y", …}`) holds for every
   * series, and checking it per series made a 20,000-matcher selector hold the event loop for
   * a minute.
   */
  #select(matchers: readonly LabelMatcher[]): number[] {
    const known = new Set(this.#p.index.labelNames());
    const useful = matchers.filter((m) => known.has(m.name) || !matcherPredicate(m)(''));
    return this.#p.index.select(useful.length > 0 ? useful : matchers);
  }

  /** Float series references matching the matchers (rollup reads stitch raw samples by reference). */
  refsMatching(matchers: readonly LabelMatcher[]): number[] {
    return this.#select(matchers);
  }

  /** Raw samples of `ref` in [minT, maxT], pages then head. */
  samplesOf(ref: number, minT: number, maxT: number): Promise<SeriesSamples | undefined> {
    return this.#samples(ref, minT, maxT);
  }

  #hasData(ref: number, minT: number, maxT: number): boolean {
    return this.#p.pages.hasOverlap(ref, minT, maxT) || this.#p.head.has(ref, minT, maxT);
  }

  async #samples(ref: number, minT: number, maxT: number): Promise<SeriesSamples | undefined> {
    const labels = this.#p.index.labelsOf(ref);
    if (labels === undefined) return undefined;
    // Typed arrays only: a plain array may drop the payload bits of the stale-marker NaN.
    const parts: { timestamps: Float64Array; values: Float64Array }[] = [];
    for (const location of this.#p.pages.overlapping(ref, minT, maxT)) {
      let page;
      try {
        page = await this.#p.readPage(location);
      } catch (err) {
        this.#p.onCorruptPage(err as Error, location);
        continue;
      }
      let from = 0;
      while (from < page.count && page.timestamps[from]! < minT) from++;
      let to = from;
      while (to < page.count && page.timestamps[to]! <= maxT) to++;
      if (to > from) parts.push({ timestamps: page.timestamps.subarray(from, to), values: page.values.subarray(from, to) });
    }
    const runs = orderedRuns(parts);
    const head = this.#p.head.read(ref, minT, maxT);
    if (head.timestamps.length > 0) runs.push(head);
    if (runs.length === 0) return undefined;
    return { labels, ...concatSamples(runs) };
  }
}

const ANY_NAME: LabelMatcher = { name: '__name__', type: '!=', value: '' };
