import { decodePage, decodeRollupPage, encodeRollupPage, hasSketches, RollupRows } from '../encoding/index.js';
import { rollupSamples } from './rollup-samples.js';
import { RowMerger } from './row-merger.js';
import { SketchBuilder } from './sketch.js';

/**
 * The rollup work the worker pool does, as pure functions over bytes (docs/tiers.md):
 * samples → a rollup page of one raw page's rows (as pages are cut), raw pages read back →
 * one rollup page (catch-up and rebuilds), rollup pages of one series → one page (joining
 * the pending pages of a tier) and, with a coarser resolution, that tier's rows too. One set
 * of scratch rows per thread.
 */
const pageRows = new RollupRows(1024);
const joined = new RollupRows(1024);
const coarse = new RollupRows(256);
const merger = new RowMerger();
/**
 * Rows a tier keeps pending (the rows of one lower page) are joined and encoded again before
 * they are written: they are encoded quickly; the pages written are encoded to the smallest.
 */
const PENDING = true;

export interface RollupOptions {
  readonly resolutionMs: number;
  /** t-digest compression of sketched series (sketch.ts). */
  readonly sketchDelta: number;
}

/** The rows of one raw page's samples, encoded; `sketch`: the series gets sketches. */
export function rollupPageSamples(timestamps: Float64Array, values: Float64Array, count: number, sketch: boolean, o: RollupOptions): Uint8Array {
  rollupSamples(timestamps, values, count, o.resolutionMs, pageRows, sketch ? new SketchBuilder(o.sketchDelta) : null);
  return encodeRollupPage(pageRows, o.resolutionMs, PENDING);
}

/** Raw pages of one series, in time order, rolled up into one rollup page. */
export function rollupRawPages(pages: readonly Uint8Array[], sketch: boolean, o: RollupOptions): Uint8Array {
  const builder = sketch ? new SketchBuilder(o.sketchDelta) : null;
  merger.begin(joined, o.resolutionMs, builder);
  for (const bytes of pages) {
    const page = decodePage(bytes);
    rollupSamples(page.timestamps, page.values, page.count, o.resolutionMs, pageRows, builder);
    for (let i = 0; i < pageRows.length; i++) merger.add(pageRows, i);
  }
  merger.finish();
  return encodeRollupPage(joined, o.resolutionMs, PENDING);
}

/**
 * Rollup pages of one series, in time order, joined into one page at their resolution (a bucket
 * split between two pages becomes one row); with `nextResolutionMs`, also those rows merged to
 * the coarser resolution, for the next tier.
 */
export function joinRollupPages(pages: readonly Uint8Array[], o: RollupOptions, nextResolutionMs: number): { page: Uint8Array; next: Uint8Array | null } {
  const sketch = pages.some(hasSketches) ? new SketchBuilder(o.sketchDelta) : null;
  merger.begin(joined, o.resolutionMs, sketch);
  for (const bytes of pages) {
    const rows = decodeRollupPage(bytes, pageRows).rows;
    for (let i = 0; i < rows.length; i++) merger.add(rows, i);
  }
  merger.finish();
  const page = encodeRollupPage(joined, o.resolutionMs);
  if (nextResolutionMs <= 0) return { page, next: null };
  merger.begin(coarse, nextResolutionMs, sketch);
  for (let i = 0; i < joined.length; i++) merger.add(joined, i);
  merger.finish();
  return { page, next: encodeRollupPage(coarse, nextResolutionMs, PENDING) };
}
