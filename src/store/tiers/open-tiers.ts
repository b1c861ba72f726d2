import type { RollupsConfig } from '../../config/index.js';
import type { DiskStoreOptions } from '../disk/parts.js';
import type { SeriesIndex } from '../series/index.js';
import type { Tier } from './tier.js';
import { TierSet } from './tier-set.js';

/** Opens the store's rollup tiers (null when `rollups` is absent or off), each ring kept within its share. */
export function openTiers(options: DiskStoreOptions, index: SeriesIndex, now: () => number): Promise<TierSet | null> {
  const rollups: RollupsConfig | undefined = options.rollups;
  if (rollups === undefined || !rollups.enabled) return Promise.resolve(null);
  return TierSet.open(
    {
      config: { store: options.config, rollups },
      logger: options.logger,
      index,
      compress: options.compress,
      decompress: options.decompress,
      ...(options.rollup !== undefined ? { rollup: options.rollup } : {}),
      now,
    },
    keepShare,
  );
}

/** Deletes a tier's oldest datafiles until `incoming` more bytes fit its share (never its newest file). */
async function keepShare(tier: Tier, incoming: number): Promise<void> {
  const share = tier.ring.settings.shareBytes;
  while (tier.ring.sizeBytes() + incoming > share) if (!(await tier.ring.deleteOldest())) break;
}
