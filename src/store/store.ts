import type { Component } from '../component/index.js';
import type { Batch, SeriesRefTable } from '../model/index.js';
import type { Querier } from '../query/index.js';
import type { Tail, TailOptions } from './tail/index.js';

/** Sizes and counts for self-metrics and the budget. */
export interface StoreUsage {
  readonly walBytes: number;
  readonly ringBytes: number;
  readonly indexBytes: number;
  /** The head checkpoint (head/). */
  readonly checkpointBytes: number;
  /** Rollup tiers 1 and 2 (datafiles and journals); empty without tiers. */
  readonly tierBytes?: readonly number[];
  /** Rollup tiers' work, finest first; empty without tiers. */
  readonly tierStats?: readonly { readonly level: number; readonly pointsIn: number; readonly rowsWritten: number; readonly lagMs: number }[];
  readonly totalBytes: number;
  readonly series: number;
  readonly headSamples: number;
  /** Bytes of the head's compressed chunks (open pages). */
  readonly headBytes: number;
  readonly walSegments: number;
  readonly datafiles: number;
}

/**
 * Where decoded batches go, and what reads them back: the query API (`querier`) and the
 * exporters (`openTail`). Receivers answer success only after `append` resolves, and `append`
 * resolves only once the batch is as durable as the implementation promises.
 */
export interface Store extends Component {
  /** True once `start` has finished (replay done): queries are answered. */
  readonly ready: boolean;
  /** True if the store already holds the definition of the series with this 64-bit hash. */
  hasSeries(hashHi: number, hashLo: number): boolean;
  /**
   * Stores the batch. Definitions must be present for every local series the store did not
   * know. The store keeps no reference to the batch's arrays once this settles (the caller
   * reuses them). Rejects with StoreUnavailableError when it cannot take data now.
   */
  append(batch: Batch): Promise<void>;
  /** Reads for the query engine: series by matchers, samples by time. */
  querier(): Querier;
  /**
   * A reader of everything appended, in order, for one named consumer (an exporter), starting
   * after its last committed position. Its cursor holds WAL segments until committed past.
   */
  openTail(name: string, options?: TailOptions): Promise<Tail>;
  usage(): StoreUsage;
  /**
   * The store's series references by identity hash, shared with the decode workers (after
   * `start`): they write references instead of hashes into the WAL records they build.
   */
  seriesRefs(): SeriesRefTable;
  /** Prometheus series held (cheap: read after every append by the series limits); optional. */
  storedSeriesCount?(): number;
  /** OTel series per metric name, and the next OTel series reference (for the per-metric series limit); optional. */
  otelSeriesByMetric?(): { readonly byMetric: ReadonlyMap<string, number>; readonly nextRef: number };
}
