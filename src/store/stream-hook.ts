import type { LabelPairs } from '../query/index.js';

/** A place in the WAL, as a stream sees it: where a record starts. */
export interface StreamPosition {
  readonly segment: number;
  readonly offset: number;
}

/** What a stream may ask about a float series of the store. */
export interface FloatSeriesInfo {
  labelsOf(ref: number): LabelPairs | undefined;
  /** The series is a delta sum (each sample the increase over its own interval). */
  isDelta(ref: number): boolean;
}

/**
 * A consumer of every flattened sample before the head takes it (streaming aggregation,
 * docs/aggregation.md), live and in WAL replay alike, in WAL order. Its state is persisted with
 * each head checkpoint at the checkpoint's WAL position, so replay after a crash gives it
 * exactly the records after its state: nothing lost, nothing twice.
 */
export interface StoreStream {
  /** Samples flattened from the record at `position`; `refs` are float series references. */
  observe(refs: Uint32Array, times: Float64Array, values: Float64Array, length: number, position: StreamPosition, series: FloatSeriesInfo): void;
  /** Float series the head must not keep (1 by reference); null: keep all. */
  readonly dropMask: Uint8Array | null;
  /** The state now, covering every record before `position`; taken synchronously with the head's snapshot. */
  snapshot(position: StreamPosition): unknown;
  /** Writes a snapshot durably; runs before the head checkpoint that has the same position is renamed into place. */
  persist(snapshot: unknown): Promise<void>;
}
