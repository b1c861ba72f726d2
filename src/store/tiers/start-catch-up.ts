import type { StoreParts } from '../disk/parts.js';
import type { PageLocation } from '../ring/index.js';
import { catchUp } from './catch-up.js';
import { rollupHere } from './rollup-runner.js';

/** Starts the tiers' catch-up (catch-up.ts) over the raw ring; never rejects (a failure is logged, the next start tries again). */
export function startTierCatchUp(parts: StoreParts): Promise<unknown> {
  const { tiers, ring, pages, index, logger } = parts;
  if (tiers === null) return Promise.resolve();
  const raw = {
    get refLimit() {
      return index.refLimit;
    },
    maxT: (ref: number) => pages.maxT(ref),
    overlapping: (ref: number, minT: number, maxT: number) => pages.overlapping(ref, minT, maxT),
    read: (location: PageLocation) => ring.readPage(location),
  };
  return catchUp(tiers, raw, parts.options.rollup ?? rollupHere, logger).catch((err: Error) => logger.warn('rollup catch-up failed; the next start tries again', { component: 'store', error: err.message }));
}
