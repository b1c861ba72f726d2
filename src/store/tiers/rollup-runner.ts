import { decodeChunk } from '../head/chunk-decode.js';
import type { ChunkSource } from '../head/index.js';
import { encodePage } from '../encoding/index.js';
import { joinRollupPages, rollupPageSamples, rollupRawPages } from '../rollup/index.js';

/**
 * Rollup work for the worker pool (the agent runs it there; tests and tools here). A job holds
 * groups of pages of one series each, in time order: raw pages rolled up into one rollup page
 * per group, or rollup pages joined into one page per group and, with a next resolution, that
 * page's rows for the next tier right after it.
 */
export interface RollupJob {
  readonly source: 'raw' | 'rollup';
  readonly groups: readonly (readonly Uint8Array[])[];
  readonly sketch: readonly boolean[];
  readonly resolutionMs: number;
  readonly nextResolutionMs: number;
  readonly sketchDelta: number;
}

export type RollupRunner = (job: RollupJob) => Promise<Uint8Array[]>;

/** Cut pages encoded as pages and, from the same decoded samples, as tier 1's rows. */
export type RollupPageEncoder = (chunks: readonly ChunkSource[], rollup: { readonly resolutionMs: number; readonly sketchDelta: number; readonly sketch: Uint8Array }) => Promise<{ pages: Uint8Array[]; rollups: Uint8Array[] }>;

export const rollupHere: RollupRunner = async (job) => {
  const out: Uint8Array[] = [];
  job.groups.forEach((pages, g) => {
    if (job.source === 'raw') {
      out.push(rollupRawPages(pages, job.sketch[g] === true, job));
      return;
    }
    const joined = joinRollupPages(pages, job, job.nextResolutionMs);
    out.push(joined.page);
    if (joined.next !== null) out.push(joined.next);
  });
  return out;
};

export const encodeWithRollupsHere: RollupPageEncoder = async (chunks, rollup) => {
  const pages: Uint8Array[] = [];
  const rollups: Uint8Array[] = [];
  chunks.forEach((c, i) => {
    const timestamps = new Float64Array(c.count);
    const values = new Float64Array(c.count);
    decodeChunk(c.chunk, 0, c.bits, c.count, timestamps, values);
    pages.push(encodePage(timestamps, values, c.count));
    rollups.push(rollupPageSamples(timestamps, values, c.count, rollup.sketch[i] === 1, rollup));
  });
  return { pages, rollups };
};
