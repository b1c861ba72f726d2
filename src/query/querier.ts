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

export interface SeriesSamples {
  readonly labels: LabelPairs;
  /** Milliseconds since the epoch, ascending. */
  readonly timestamps: Float64Array;
  /** May contain NaN; Prometheus' stale marker is the NaN with bits 0x7ff0000000000002 (see stale-marker.ts). */
  readonly values: Float64Array;
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
  /** Metric families with their type, help and unit (for /api/v1/metadata); optional. */
  metadata?(): Promise<readonly MetricMetadata[]>;
  /** Label sets only (for /api/v1/series), no samples needed. */
  series(matchers: readonly LabelMatcher[], minT: number, maxT: number): Promise<(readonly (readonly [string, string])[])[]>;
  labelNames(matchers: readonly LabelMatcher[], minT: number, maxT: number): Promise<string[]>;
  labelValues(name: string, matchers: readonly LabelMatcher[], minT: number, maxT: number): Promise<string[]>;
}
