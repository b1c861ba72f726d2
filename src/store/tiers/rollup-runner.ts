import { rollupGroup } from '../rollup/index.js';

/**
 * Rollup work for the worker pool (the agent runs it there; tests and tools here). A job holds
 * groups of pages of one series each, in time order: raw pages rolled up into one rollup page
 * per group, or rollup pages joined into one page per group; with a next resolution, each
 * group's page is followed by its rows for the next tier.
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

export const rollupHere: RollupRunner = async (job) => job.groups.flatMap((pages, g) => rollupGroup(job.source, pages, job.sketch[g] === true, job, job.nextResolutionMs));
