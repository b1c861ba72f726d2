// Streaming aggregation (docs/aggregation.md): rules over the flattened series, before the store and the exporters, state persisted with head checkpoints.
export { StreamAggregation } from './stream-aggregation.js';
export type { StreamAggregationOptions } from './stream-aggregation.js';
export { StreamAggregator } from './aggregator.js';
export type { OutputPoint } from './emit.js';
export { validateAggregation } from './validate.js';
export { parseOutput, durationText } from './outputs.js';
export { exportFilter } from './export-filter.js';
