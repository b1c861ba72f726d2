export { createApiServer } from './api-server.js';
export type { ApiServer, ApiServerOptions } from './api-server.js';
export type { LabelMatcher, LabelPairs, Querier, SeriesSamples } from './querier.js';
export { compileMatcherRegex, matcherPredicate, hasNonEmptyMatcher } from './matcher.js';
export { isStaleMarker, writeStaleMarker, STALE_MARKER_BITS } from './stale-marker.js';
export { ApiErrorCodes } from './api-error.js';
export type { ApiErrorType } from './api-error.js';
