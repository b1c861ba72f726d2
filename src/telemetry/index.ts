export type { Counter, Histogram, HistogramSample, Labels, Sample, ScalarSample } from './registry.js';
export { Registry } from './registry.js';
export { prometheusText } from './prometheus-text.js';
export { ReadingWindow } from './reading-window.js';


