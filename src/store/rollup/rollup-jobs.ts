import { decodePage, decodeRollupPage, encodeRollupPage, hasSketches, RollupRows } from '../encoding/index.js';
import { rollupSamples } from './rollup-samples.js';
import { RowMerger } from './row-merger.js';
import { SketchBuilder } from './sketch.js';

/**
 * The rollup work the worker pool does, as pure functions over bytes (docs/tiers.md): the raw
 * pages tier 1 keeps pending → one tier 1 page and its rows at tier 2's resolution; the rollup
 * pages tier 2 keeps pending → one tier 2 page. One set of scratch rows per thread.
 */
const pageRows = new RollupRows(1024);
const joined = new RollupRows(1024);
const coarse = new RollupRows(256);
const merger = new RowMerger();

export interface RollupOptions {
  readonly resolutionMs: number;
  /** t-digest compression of sketched series (sketch.ts). */
  readonly sketchDelta: number;
}

/** What one group of pages of one series becomes: the page to write, and its rows at the next resolution (null without one). */
export interface RolledUp {
  readonly page: Uint8Array;
  readonly next: Uint8Array | null;
}

/**
 * Raw pages of one series (docs/format/page.md), in time order, rolled up into one rollup page
 * at `o.resolutionMs` (`sketch`: rows get t-digest sketches) and, with `nextResolutionMs`, those
 * rows merged to the coarser resolution.
 */
export function rollupRawPages(pages: readonly Uint8Array[], sketch: boolean, o: RollupOptions, nextResolutionMs = 0): RolledUp {
  const builder = sketch ? new SketchBuilder(o.sketchDelta) : null;
  merger.begin(joined, o.resolutionMs, builder);
  for (const bytes of pages) {
    const page = decodePage(bytes);
    rollupSamples(page.timestamps, page.values, page.count, o.resolutionMs, pageRows, builder);
    for (let i = 0; i < pageRows.length; i++) merger.add(pageRows, i);
  }
  merger.finish();
  return withNext(builder, o, nextResolutionMs);
}

/**
 * Rollup pages of one series, in time order, joined into one page at their resolution (a bucket
 * split between two pages becomes one row); with `nextResolutionMs`, also those rows merged to
 * the coarser resolution, for the next tier.
 */
export function joinRollupPages(pages: readonly Uint8Array[], o: RollupOptions, nextResolutionMs: number): RolledUp {
  const sketch = pages.some(hasSketches) ? new SketchBuilder(o.sketchDelta) : null;
  merger.begin(joined, o.resolutionMs, sketch);
  for (const bytes of pages) {
    const rows = decodeRollupPage(bytes, pageRows).rows;
    for (let i = 0; i < rows.length; i++) merger.add(rows, i);
  }
  merger.finish();
  return withNext(sketch, o, nextResolutionMs);
}

/** The rows of one raw page at `o.resolutionMs`, in rows of their own (a query reading rows a tier has pending). */
export function rawPageRows(bytes: Uint8Array, sketch: boolean, o: RollupOptions): RollupRows {
  const page = decodePage(bytes);
  const rows = new RollupRows(64);
  rollupSamples(page.timestamps, page.values, page.count, o.resolutionMs, rows, sketch ? new SketchBuilder(o.sketchDelta) : null);
  return rows;
}

/** One group of a rollup job (the worker pool's, or here): raw pages rolled up, or rollup pages joined; its page, then its next rows if any. */
export function rollupGroup(source: 'raw' | 'rollup', pages: readonly Uint8Array[], sketch: boolean, o: RollupOptions, nextResolutionMs: number): Uint8Array[] {
  const out = source === 'raw' ? rollupRawPages(pages, sketch, o, nextResolutionMs) : joinRollupPages(pages, o, nextResolutionMs);
  return out.next === null ? [out.page] : [out.page, out.next];
}

/** The page of the rows in `joined`, and their rows at the next resolution. */
function withNext(sketch: SketchBuilder | null, o: RollupOptions, nextResolutionMs: number): RolledUp {
  const page = encodeRollupPage(joined, o.resolutionMs);
  if (nextResolutionMs <= 0) return { page, next: null };
  merger.begin(coarse, nextResolutionMs, sketch);
  for (let i = 0; i < joined.length; i++) merger.add(joined, i);
  merger.finish();
  return { page, next: encodeRollupPage(coarse, nextResolutionMs) };
}
