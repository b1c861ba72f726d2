// The agent's own metrics, written into the store every interval.
export { SelfMetricsWriter } from './self-batch.js';
export type { SelfMetricsOptions } from './self-batch.js';
