// The query engine: the querier contract the store implements, label matchers, PromQL.
export type { LabelMatcher, LabelPairs, Querier, SeriesSamples } from './querier.js';
export type { CompiledMatcher } from './matchers.js';
export { compileMatcher, compileMatcherRegex, matcherPredicate, hasNonEmptyMatcher } from './matchers.js';
export { isStaleMarker, writeStaleMarker, STALE_MARKER_BITS } from './stale-marker.js';
export { badData, invalidParam } from './errors.js';
export { compareLabelSets } from './label-order.js';
export { parseQuery, parseSelector } from './promql/parse.js';
export type { Expr } from './promql/expr.js';
export { evaluateInstant, evaluateRange, DEFAULT_LOOKBACK_MS } from './evaluate.js';
export type { QueryValue, LabeledPoints, Points, Steps } from './evaluate.js';
export { compareStrings, sortedUnique } from './label-order.js';
export { parsePromDurationMs } from './duration.js';
