// The query engine: the querier contract the store implements, label matchers, PromQL.
export type { LabelMatcher, LabelPairs, MetricMetadata, NameCount, Querier, RollupColumns, SeriesRollups, SeriesSamples, TierInfo, TsdbStatus } from './querier.js';
export type { CompiledMatcher } from './matchers.js';
export { compileMatcher, compileMatcherRegex, matcherPredicate, hasNonEmptyMatcher } from './matchers.js';
export { isStaleMarker, writeStaleMarker, STALE_MARKER_BITS } from './stale-marker.js';
export { badData, invalidParam } from './errors.js';
export { compareLabelSets, compareStrings, sortedUnique } from './label-order.js';
export { parseQuery, parseSelector } from './promql/parse.js';
export type { ParsedQuery } from './promql/parse.js';
export type { Expr } from './promql/ast.js';
export { formatExpr } from './promql/format.js';
export { parsePromDurationMs } from './duration.js';
export { createQueryEngine, DEFAULT_LOOKBACK_MS, DEFAULT_QUERY_TIMEOUT_MS, DEFAULT_MAX_CONCURRENCY } from './engine/engine.js';
export type { QueryEngine, QueryEngineOptions } from './engine/engine.js';
export { DEFAULT_MAX_SAMPLES } from './engine/limits.js';
export type { QueryResult, QueryValue, ResultSeries } from './engine/query.js';
// Prometheus' quantile over values, for streaming aggregation's quantiles output.
export { quantile } from './engine/kahan.js';
