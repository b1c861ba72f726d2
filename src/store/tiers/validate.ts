import type { Config, ConfigProblem } from '../../config/index.js';

/** What the schema cannot check about `rollups:`: bounds between keys. Problems name the key path. */
export function validateRollups(config: Pick<Config, 'rollups'>): ConfigProblem[] {
  const r = config.rollups;
  const problems: ConfigProblem[] = [];
  if (!r.enabled) return problems;
  if (r.tier2.resolution <= r.tier1.resolution || r.tier2.resolution % r.tier1.resolution !== 0) {
    problems.push({ path: 'rollups.tier2.resolution', value: r.tier2.resolution, expected: `a multiple of rollups.tier1.resolution (${r.tier1.resolution} ms) greater than it` });
  }
  if (r.tier2.resolution > 0xffff_ffff) problems.push({ path: 'rollups.tier2.resolution', value: r.tier2.resolution, expected: 'at most 49d' });
  if (r.tier1.disk_share + r.tier2.disk_share > 90) {
    problems.push({ path: 'rollups.tier2.disk_share', value: r.tier2.disk_share, expected: `at most ${90 - r.tier1.disk_share} (the tiers together at most 90 percent; raw data keeps the rest)` });
  }
  return problems;
}
