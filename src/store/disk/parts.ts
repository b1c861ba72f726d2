import type { Config, RollupsConfig } from '../../config/index.js';
import type { Logger } from '../../log/index.js';
import type { Counter, Registry } from '../../telemetry/index.js';
import type { Flattener } from '../flatten/index.js';
import type { Head, PageEncoder } from '../head/index.js';
import type { DatafileRing, PageIndex } from '../ring/index.js';
import type { SeriesIndex } from '../series/index.js';
import type { SegmentPoints } from '../tail/index.js';
import type { Wal } from '../wal/index.js';
import type { StoreStream } from '../stream-hook.js';
import type { RollupRunner, TierSet } from '../tiers/index.js';

export interface DiskStoreOptions {
  readonly config: Config['store'];
  /** Extent compression, run in the worker pool. */
  readonly compress: (raw: Uint8Array) => Promise<Uint8Array>;
  readonly decompress: (bytes: Uint8Array, rawLength: number) => Uint8Array | Promise<Uint8Array>;
  /** Page encoding, run in the worker pool by the agent; encodes on this thread when absent. */
  readonly encodePages?: PageEncoder;
  readonly logger: Logger;
  readonly registry: Registry;
  /** limits.max_buckets_per_point: replayed points with more buckets are dropped and counted. */
  readonly maxBucketsPerPoint?: number;
  readonly now?: () => number;
  /** Rollup tiers (docs/tiers.md); none when absent. */
  readonly rollups?: RollupsConfig;
  /** Rollup work in the worker pool (the agent's); here when absent. */
  readonly rollup?: RollupRunner;
  /** Streaming aggregation: sees every flattened sample first, persisted with head checkpoints. */
  readonly stream?: StoreStream;
}

/** The store's own counters (docs/telemetry.md). */
export interface StoreCounters {
  readonly dropped: Counter;
  readonly corrupt: Counter;
  readonly repaired: Counter;
  readonly walLost: Counter;
}

export function storeCounters(r: Registry): StoreCounters {
  return {
    dropped: r.counter('cairn_store_samples_dropped_total', 'Samples not stored, by reason.'),
    corrupt: r.counter('cairn_store_corrupt_skipped_total', 'Damaged parts of the store whose data is lost (skipped), each counted once, by part.'),
    repaired: r.counter('cairn_store_repaired_total', 'Damaged parts of the store rebuilt from another copy, nothing lost, by part.'),
    walLost: r.counter('cairn_store_wal_segments_dropped_unflushed_total', 'WAL segments deleted over budget before their samples were in pages.'),
  };
}

/** Everything an open store is made of; each verb of the store works on these. */
export interface StoreParts {
  readonly config: Config['store'];
  readonly options: DiskStoreOptions;
  readonly logger: Logger;
  readonly now: () => number;
  readonly counters: StoreCounters;
  readonly wal: Wal;
  readonly ring: DatafileRing;
  readonly index: SeriesIndex;
  readonly head: Head;
  readonly flattener: Flattener;
  /** The ring's page index (`ring.pages`): the ring keeps it, the head and the querier read it. */
  readonly pages: PageIndex;
  /** Points appended to (or replayed from) each WAL segment, for exporters' backlog and gaps. */
  readonly segmentPoints: SegmentPoints;
  /** The rollup tiers, or null when rollups are off. */
  readonly tiers: TierSet | null;
  readonly unlock: () => void;
}
