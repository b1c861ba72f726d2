import type { DiskStoreOptions } from '../disk/parts.js';
import { rawShareBytes } from './tier-settings.js';

/** Bytes raw data (tier 0, WAL, index, checkpoint) may use: store.max_disk_bytes less the tiers' shares. */
export function rawBudgetBytes(options: Pick<DiskStoreOptions, 'config' | 'rollups'>): number {
  const rollups = options.rollups;
  if (rollups === undefined) return options.config.max_disk_bytes;
  return rawShareBytes({ store: options.config, rollups });
}
