/** One rollup tier (docs/tiers.md); durations in ms. */
export interface RollupTierConfig {
  /** Bucket width: rows cover (k·resolution, (k+1)·resolution]. */
  readonly resolution: number;
  /** Percent of store.max_disk_bytes this tier's ring may use. */
  readonly disk_share: number;
  /** Rows older than this are deleted; 0 keeps them until the tier's share needs the room. */
  readonly max_age: number;
  /** Rows per page written to the ring (rows wait in memory, compressed, until then). */
  readonly page_rows: number;
}

/** Rollup tiers (docs/tiers.md). */
export interface RollupsConfig {
  readonly enabled: boolean;
  /** Keep a t-digest of every gauge's values per bucket, so quantile_over_time is answered from the tiers. */
  readonly gauge_sketches: boolean;
  /** t-digest compression (the package's delta is 1 / compression). */
  readonly sketch_compression: number;
  readonly tier1: RollupTierConfig;
  readonly tier2: RollupTierConfig;
}

export type AggregationOutput = string;

/** One streaming aggregation rule (docs/aggregation.md); durations in ms. */
export interface AggregationRuleConfig {
  /** A PromQL series selector over the flattened (Prometheus) series. */
  readonly match: string;
  readonly interval: number;
  readonly by: readonly string[];
  readonly without: readonly string[];
  /** total, increase, count_samples, sum_samples, min, max, avg, last, stddev, stdvar, count_series, quantiles(φ, …). */
  readonly outputs: readonly AggregationOutput[];
  readonly keep_input: boolean;
  readonly to: readonly ('store' | 'exporters')[];
  /** How long after an interval ends its late samples are still taken. */
  readonly lag: number;
  /** An input series silent this long is forgotten (total and increase restart from its next sample). */
  readonly staleness_interval: number;
}
