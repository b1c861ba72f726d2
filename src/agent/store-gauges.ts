import type { Store, StoreUsage } from '../store/index.js';
import type { Registry } from '../telemetry/index.js';

/** Store figures exposed as the agent's own metrics. */
export function registerStoreGauges(registry: Registry, store: Store, budgetBytes: number): void {
  registry.gauge('cairn_store_disk_bytes', 'Bytes used under store.path (WAL, datafiles, index).', () => store.usage().totalBytes);
  registry.gauge('cairn_store_disk_budget_bytes', 'store.max_disk_bytes.', () => budgetBytes);
  registry.gauge('cairn_store_wal_bytes', 'Bytes in WAL segments.', () => store.usage().walBytes);
  // tier="0" is raw data; "1" and "2" the rollup tiers (docs/tiers.md).
  registry.gaugeFamily('cairn_store_datafile_bytes', 'Bytes in datafiles and journals, by tier.', () => {
    const u = store.usage();
    return [u.ringBytes, ...(u.tierBytes ?? [])].map((value, tier) => ({ labels: { tier: String(tier) }, value }));
  });
  const perTier = (value: (t: NonNullable<StoreUsage['tierStats']>[number]) => number) => (): { labels: { tier: string }; value: number }[] =>
    (store.usage().tierStats ?? []).map((t) => ({ labels: { tier: String(t.level) }, value: value(t) }));
  registry.counterFamily('cairn_rollup_points_total', 'Lower-tier points (raw samples, tier 1 rows) rolled up into each tier.', perTier((t) => t.pointsIn));
  registry.counterFamily('cairn_rollup_rows_written_total', 'Rollup rows written to each tier\'s ring.', perTier((t) => t.rowsWritten));
  registry.gaugeFamily('cairn_rollup_lag_seconds', 'Sample time between the newest raw page cut and the newest row each tier has written.', perTier((t) => t.lagMs / 1000));
  registry.gauge('cairn_store_checkpoint_bytes', 'Bytes of the head checkpoint (head/).', () => store.usage().checkpointBytes);
  registry.gauge('cairn_store_wal_segments', 'WAL segment files, the one being written included.', () => store.usage().walSegments);
  registry.gauge('cairn_store_datafiles', 'Datafiles in the ring (each with its journal).', () => store.usage().datafiles);
  registry.gauge('cairn_store_series', 'Series in the index.', () => store.usage().series);
  registry.gauge('cairn_store_head_samples', 'Samples in open head pages.', () => store.usage().headSamples);
  registry.gauge('cairn_store_head_bytes', 'Bytes of the compressed chunks holding the head\'s open pages.', () => store.usage().headBytes);
}
