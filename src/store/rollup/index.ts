/**
 * Rollup math, pure and allocation-light, run in the worker pool and on rebuilds: samples to
 * rows (rollup-samples.ts), rows to coarser rows or across a page boundary (row-merger.ts),
 * t-digest sketches (sketch.ts). Formats are in ../encoding (docs/format/rollup-page.md).
 */
export { rollupSamples } from './rollup-samples.js';
export { RowMerger } from './row-merger.js';
export { SketchBuilder } from './sketch.js';
export { KahanAccumulator } from './kahan.js';
export { joinRollupPages, rawPageRows, rollupGroup, rollupRawPages } from './rollup-jobs.js';
export type { RolledUp, RollupOptions } from './rollup-jobs.js';
