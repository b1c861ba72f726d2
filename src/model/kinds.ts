/** What a series is, as the OTLP data model says; one series has exactly one kind. */
export type MetricKind = 'gauge' | 'sum' | 'histogram' | 'exponential_histogram' | 'summary';

/** OTLP AggregationTemporality; gauges and summaries have none. */
export type Temporality = 'unspecified' | 'delta' | 'cumulative';

export const TEMPORALITY_BY_WIRE: readonly Temporality[] = ['unspecified', 'delta', 'cumulative'];

/** Point flags kept per point in a batch. */
export const PointFlag = {
  /** OTLP DataPointFlags.NO_RECORDED_VALUE: the point marks a gap (stale), its value is NaN. */
  NO_RECORDED_VALUE: 1,
  /** The value arrived as an integer (as_int); kept so exporters can send it back as one. */
  INT: 2,
  /** The point has a compound payload in `extra` (histograms and summaries). */
  COMPOUND: 4,
} as const;
