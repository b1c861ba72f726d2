export type { MetricKind, Temporality } from './kinds.js';
export { PointFlag, TEMPORALITY_BY_WIRE } from './kinds.js';
export type { Labels, SeriesDefinition } from './series.js';
export { seriesKey } from './series.js';
export type { Batch, BatchColumns } from './batch.js';
export { batchTransferList, HISTOGRAM_HEADER, EXP_HISTOGRAM_HEADER, SUMMARY_HEADER } from './batch.js';
export { BatchBuilder } from './batch-builder.js';
export { hashBytes, hashWord, hashStrings, hashOut } from './hash.js';
export { HashMap64 } from './hash-map64.js';
