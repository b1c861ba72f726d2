/** One label matcher as PromQL writes it; regexes are fully anchored (`=~"a.*"` matches all of `abc`, not `xabc`). */
export interface LabelMatcher {
  readonly name: string;
  readonly type: '=' | '!=' | '=~' | '!~';
  readonly value: string;
}

/** A label set sorted by name, including `['__name__', …]`. */
export type LabelPairs = readonly (readonly [string, string])[];

/** A metric family as /api/v1/metadata reports it. */
export interface MetricMetadata {
  readonly metric: string;
  readonly type: string;
  readonly help: string;
  readonly unit: string;
}

/** One entry of a /api/v1/status/tsdb top list. */
export interface NameCount {
  readonly name: string;
  readonly value: number;
}

/** The cardinality statistics of /api/v1/status/tsdb, as Prometheus serves them. */
export interface TsdbStatus {
  readonly headStats: { readonly numSeries: number; readonly numLabelPairs: number; readonly chunkCount: number; readonly minTime: number; readonly maxTime: number };
  readonly seriesCountByMetricName: readonly NameCount[];
  readonly labelValueCountByLabelName: readonly NameCount[];
  readonly memoryInBytesByLabelName: readonly NameCount[];
  readonly seriesCountByLabelValuePair: readonly NameCount[];
}

export interface SeriesSamples {
  readonly labels: LabelPairs;
  /** Milliseconds since the epoch, ascending. */
  readonly timestamps: Float64Array;
  /** May contain NaN; Prometheus' stale marker is the NaN with bits 0x7ff0000000000002 (see stale-marker.ts). */
  readonly values: Float64Array;
}

/**
 * Rollup rows of one series (docs/tiers.md, docs/format/rollup-page.md): row i covers the
 * bucket ending at `end[i]`, with `count` samples (stale markers excluded), their first and last
 * time and value, min, max, sum, `resets` (the value before each drop inside the bucket) and
 * `endsStale` (the bucket's newest sample is a stale marker). A raw sample stitched in is a row
 * of its own ending at its time. With `hasSketch`, row i's t-digest centroids are
 * `[sketchStart[i], sketchStart[i + 1])` of `means`/`weights`, sorted by mean.
 */
export interface RollupColumns {
  readonly length: number;
  readonly end: Float64Array;
  readonly count: Float64Array;
  readonly firstT: Float64Array;
  readonly lastT: Float64Array;
  readonly first: Float64Array;
  readonly last: Float64Array;
  readonly min: Float64Array;
  readonly max: Float64Array;
  readonly sum: Float64Array;
  readonly resets: Float64Array;
  readonly endsStale: Uint8Array;
  readonly hasSketch: boolean;
  readonly sketchStart: Uint32Array;
  readonly means: Float64Array;
  readonly weights: Float64Array;
}

export interface SeriesRollups {
  readonly labels: LabelPairs;
  readonly rows: RollupColumns;
  /** Bit k set: some rows came from tier k (bit 0: raw samples). */
  readonly tiers: number;
  /** Every row that came from a tier carries a sketch (rows made of raw samples always do). */
  readonly sketched: boolean;
}

/** A rollup tier the store keeps. */
export interface TierInfo {
  readonly level: number;
  readonly resolutionMs: number;
  /** Gauges carry t-digest sketches (rollups.gauge_sketches). */
  readonly sketches: boolean;
}

/**
 * What the API needs from the store. A matcher list applies all its matchers; a label a series
 * does not have matches as the empty string (Prometheus semantics). An empty matcher list
 * (only ever passed to `labelNames` and `labelValues`) means every series.
 */
export interface Querier {
  /** Series matching ALL matchers with their samples in [minT, maxT] (inclusive, ms). Regexes are fully anchored (Prometheus semantics). */
  select(matchers: readonly LabelMatcher[], minT: number, maxT: number): Promise<SeriesSamples[]>;
  /**
   * The same series one by one, for stores that can read a series at a time: the engine then
   * holds one series' samples at once instead of all of them (optional; `select` is the fallback).
   */
  selectStream?(matchers: readonly LabelMatcher[], minT: number, maxT: number): AsyncIterable<SeriesSamples>;
  /** Cardinality statistics, each top list cut to `limit` entries (for /api/v1/status/tsdb); optional. */
  tsdbStatus?(limit: number): Promise<TsdbStatus>;
  /** Metric families with their type, help and unit (for /api/v1/metadata); optional. */
  metadata?(): Promise<readonly MetricMetadata[]>;
  /** Label sets only (for /api/v1/series), no samples needed. */
  series(matchers: readonly LabelMatcher[], minT: number, maxT: number): Promise<(readonly (readonly [string, string])[])[]>;
  labelNames(matchers: readonly LabelMatcher[], minT: number, maxT: number): Promise<string[]>;
  labelValues(name: string, matchers: readonly LabelMatcher[], minT: number, maxT: number): Promise<string[]>;
  /** The store's rollup tiers, finest first (optional; none without). */
  tiers?(): readonly TierInfo[];
  /**
   * Series matching ALL matchers as rollup rows ending in (minT, maxT]: rows of `tier` where it
   * holds complete buckets, finer tiers and raw samples (as one-sample rows) for the newest span
   * it has not rolled up yet, and coarser tiers for spans it no longer holds; tier 0 asks for
   * raw samples with older spans from the tiers. Stitched at bucket boundaries, so no sample
   * is counted twice or missed where some tier holds it.
   */
  selectRollups?(matchers: readonly LabelMatcher[], minT: number, maxT: number, tier: number): AsyncIterable<SeriesRollups>;
  /** Raw samples before this time may have aged out of the store (-Infinity: none has). */
  rawHorizon?(): number;
}
