import type { Config } from '../../config/index.js';

/** One rollup tier as the store runs it (docs/tiers.md). */
export interface TierSettings {
  readonly level: 1 | 2;
  readonly resolutionMs: number;
  /** This tier's ring may hold at most this many bytes (its share of store.max_disk_bytes). */
  readonly shareBytes: number;
  readonly maxAgeMs: number;
  readonly pageRows: number;
  readonly datafileBytes: number;
}

/** Smallest datafile of a tier ring: a tier always deletes whole files, so they stay a small part of its share. */
const MIN_TIER_DATAFILE = 64 * 1024;

/** The tiers of this configuration, finest first (none when rollups are off). */
export function tierSettings(config: Pick<Config, 'store' | 'rollups'>): TierSettings[] {
  const r = config.rollups;
  if (!r.enabled) return [];
  return ([1, 2] as const).map((level) => {
    const t = level === 1 ? r.tier1 : r.tier2;
    const shareBytes = Math.floor((config.store.max_disk_bytes * t.disk_share) / 100);
    // Sixteen files or more per share: deleting the oldest frees a sixteenth, not half the tier.
    const datafileBytes = Math.max(MIN_TIER_DATAFILE, Math.min(config.store.datafile_bytes, Math.floor(shareBytes / 16)));
    return { level, resolutionMs: t.resolution, shareBytes, maxAgeMs: t.max_age, pageRows: t.page_rows, datafileBytes };
  });
}

/** What raw data (tier 0, WAL, index, checkpoint) may use: the budget less the tiers' shares. */
export function rawShareBytes(config: Pick<Config, 'store' | 'rollups'>): number {
  return config.store.max_disk_bytes - tierSettings(config).reduce((n, t) => n + t.shareBytes, 0);
}
