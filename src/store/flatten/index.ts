export { Flattener, SampleColumns, STALE_NAN, formatLabelFloat } from './flattener.js';
export type { RefResolver, SampleSink } from './flattener.js';
export { prometheusName, sanitizeLabelName, sanitizeMetricName, unitSuffix } from './prometheus-names.js';
export type { PromLabels } from './series-labels.js';
export { familyMetadata } from './metadata.js';
export type { FamilyMetadata } from './metadata.js';
export { baseLabels, labelsKey, targetInfoLabels, withName, jobAndInstance } from './series-labels.js';
