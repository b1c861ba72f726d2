import type { BatchColumns } from '../../model/index.js';
import { SampleColumns } from '../flatten/index.js';
import type { WalPosition } from '../wal/index.js';
import type { StoreParts } from './parts.js';
import type { FloatSeriesInfo } from '../stream-hook.js';

/**
 * Batch → head: flattens the batch into Prometheus float samples and appends them to the open
 * pages, counting what the head refuses. Used by live appends and by WAL replay alike.
 */
export class HeadIngest {
  readonly #parts: StoreParts;
  readonly #columns = new SampleColumns();
  readonly #definitionOf: (ref: number) => ReturnType<StoreParts['index']['otel']['byRef']>;
  readonly #floatSeries: FloatSeriesInfo;

  constructor(parts: StoreParts) {
    this.#parts = parts;
    this.#definitionOf = (ref) => parts.index.otel.byRef(ref);
    this.#floatSeries = { labelsOf: (ref) => parts.index.labelsOf(ref), isDelta: (ref) => parts.flattener.isDelta(ref) };
  }

  /** Just after the last record ingested: what a checkpoint taken now covers. */
  covered: WalPosition | null = null;
  /** Points ingested since the store opened (replay included). */
  pointsIngested = 0;

  /**
   * `seriesRefs`: the store's reference of each local series (-1: unknown, dropped and
   * counted); `position` and `next`: where the record starts and ends in the WAL.
   */
  ingest(batch: BatchColumns, seriesRefs: Int32Array, position: WalPosition, next: WalPosition, skip: Uint8Array | null = null): void {
    const { flattener, head, index, counters, now } = this.#parts;
    const cols = this.#columns;
    cols.length = 0;
    const missing = flattener.flatten(batch, seriesRefs, this.#definitionOf, cols);
    if (skip !== null) cols.dropRefs(skip);
    // Streaming aggregation sees every sample first; inputs it consumes may not reach the head.
    const stream = this.#parts.options.stream;
    if (stream !== undefined) {
      stream.observe(cols.refs, cols.times, cols.values, cols.length, position, this.#floatSeries);
      if (stream.dropMask !== null) cols.dropRefs(stream.dropMask);
    }
    const { outOfOrder, duplicate } = head.appendColumns(cols.refs, cols.times, cols.values, cols.length, position.segment, now());
    index.flush();
    this.#parts.segmentPoints.add(position.segment, position.offset, batch.pointCount);
    this.covered = next;
    this.pointsIngested += batch.pointCount;
    if (outOfOrder > 0) counters.dropped.add(outOfOrder, { reason: 'out_of_order' });
    if (duplicate > 0) counters.dropped.add(duplicate, { reason: 'duplicate_timestamp' });
    if (missing > 0) counters.dropped.add(missing, { reason: 'unknown_series' });
    if (flattener.overLimit > 0) counters.dropped.add(flattener.overLimit, { reason: 'over_limit' });
  }

  /** References for locals the record named by hash (-1 where the store has no definition). */
  resolve(batch: BatchColumns, seriesRefs: Int32Array): void {
    const otel = this.#parts.index.otel;
    for (let i = 0; i < batch.seriesCount; i++) {
      if (seriesRefs[i]! < 0) seriesRefs[i] = otel.refOf(batch.seriesHashes[2 * i]!, batch.seriesHashes[2 * i + 1]!);
    }
  }
}
