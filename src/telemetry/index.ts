export type { Counter, Sample } from './registry.js';
export { Registry } from './registry.js';
export { prometheusText } from './prometheus-text.js';
