import type { Batch } from '../../model/index.js';
import type { WalPosition } from '../wal/index.js';
import { SampleColumns } from '../flatten/index.js';
import type { StoreParts } from './parts.js';

/**
 * Batch → head: flattens the batch into Prometheus float samples and appends them to the open
 * pages, counting what the head refuses. Used by live appends and by WAL replay alike.
 */
export class HeadIngest {
  readonly #parts: StoreParts;
  readonly #columns = new SampleColumns();
  readonly #definitionOf: (hi: number, lo: number) => ReturnType<StoreParts['index']['definition']>;

  constructor(parts: StoreParts) {
    this.#parts = parts;
    this.#definitionOf = (hi, lo) => parts.index.definition(hi, lo);
  }

  ingest(batch: Batch, position: WalPosition): void {
    const segment = position.segment;
    const { flattener, head, index, counters, now } = this.#parts;
    const cols = this.#columns;
    cols.length = 0;
    const missing = flattener.flatten(batch, this.#definitionOf, cols);
    const { outOfOrder, duplicate } = head.appendColumns(cols.refs, cols.times, cols.values, cols.length, segment, now());
    index.flush();
    this.#parts.segmentPoints.add(segment, position.offset, batch.pointCount);
    if (outOfOrder > 0) counters.dropped.add(outOfOrder, { reason: 'out_of_order' });
    if (duplicate > 0) counters.dropped.add(duplicate, { reason: 'duplicate_timestamp' });
    if (missing > 0) counters.dropped.add(missing, { reason: 'unknown_series' });
  }
}
