import type { SeriesDefinition } from './series.js';

/**
 * A decoded request in columnar form: one row per point, series by local index into the
 * series table. Arrays may be longer than `pointCount` / `seriesCount` (they are grown by
 * doubling and moved between threads whole); only the first rows are meaningful.
 *
 * Compound points (histograms, summaries) keep their payload in `extra` at `extraOffset`;
 * the layouts are in docs/internal-model.md.
 */
export interface BatchColumns {
  readonly pointCount: number;
  readonly series: Uint32Array;
  readonly timeMs: Float64Array;
  /** Start of the cumulative/delta window in ms, 0 when the point had none. */
  readonly startMs: Float64Array;
  /** The value; NaN with NO_RECORDED_VALUE; the count for compound points. */
  readonly values: Float64Array;
  readonly flags: Uint8Array;
  readonly extraOffset: Uint32Array;
  readonly extra: Float64Array;
  readonly extraLength: number;
  readonly seriesCount: number;
  /** [hi, lo] of each local series' 64-bit identity hash. */
  readonly seriesHashes: Uint32Array;
}

export interface Batch extends BatchColumns {
  /**
   * Definitions of the local series the store did not know when the batch was prepared
   * (undefined for the rest). Filled on the main thread just before `Store.append`.
   */
  definitions: (SeriesDefinition | undefined)[];
  /**
   * Per local series, the store's reference as the decode worker found it in the shared series
   * table (-1: not known yet); absent when nobody looked.
   */
  seriesRefs?: Int32Array;
  /** The WAL frame a decode worker built for this batch (a sealed compact sample record), when it did. */
  frame?: Uint8Array;
  /** Payload bytes of `frame` before compression, for the WAL's counters. */
  framePayloadBytes?: number;
}

/** The ArrayBuffers to list when posting a batch to another thread. */
export function batchTransferList(b: BatchColumns): ArrayBuffer[] {
  return [b.series, b.timeMs, b.startMs, b.values, b.flags, b.extraOffset, b.extra, b.seriesHashes].map(
    (a) => a.buffer as ArrayBuffer,
  );
}

/** Histogram payload header: [count, sum, min, max, buckets, bounds(buckets-1)…, counts(buckets)…]. */
export const HISTOGRAM_HEADER = 5;
/** Exponential histogram: [count, sum, min, max, scale, zeroCount, zeroThreshold, posOffset, nPos, …pos, negOffset, nNeg, …neg]. */
export const EXP_HISTOGRAM_HEADER = 7;
/** Summary: [count, sum, quantiles, (quantile, value)×quantiles]. */
export const SUMMARY_HEADER = 3;
