export { Flattener, STALE_NAN, formatLabelFloat } from './flattener.js';
export type { RefResolver } from './flattener.js';
export { SampleColumns } from './sample-columns.js';
export type { SampleSink } from './sample-columns.js';
export { prometheusName, sanitizeLabelName, sanitizeMetricName, unitSuffix } from './prometheus-names.js';
export type { PromLabels } from './series-labels.js';
export { familyMetadata } from './metadata.js';
export type { FamilyMetadata } from './metadata.js';
export { baseLabels, labelsKey, targetInfoLabels, withName, jobAndInstance } from './series-labels.js';
