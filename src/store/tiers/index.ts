// Rollup tiers of the store (docs/tiers.md): rings tier1/ and tier2/, their pending rows, catch-up and reads.
export { TierSet } from './tier-set.js';
export type { Tier } from './tier.js';
export { openTiers } from './open-tiers.js';
export { catchUp } from './catch-up.js';
export type { RawPages } from './catch-up.js';
export { rawBudgetBytes } from './raw-budget.js';
export { tierSettings, rawShareBytes } from './tier-settings.js';
export type { TierSettings } from './tier-settings.js';
export { validateRollups } from './validate.js';
export { rollupHere } from './rollup-runner.js';
export type { RollupJob, RollupRunner } from './rollup-runner.js';
export { startTierCatchUp } from './start-catch-up.js';
export { tieredQuerier } from './tiered-querier.js';
