import type { BatchColumns, MetricKind, SeriesDefinition } from '../model/index.js';
import { BatchBuilder, EXP_HISTOGRAM_HEADER, HashMap64, HISTOGRAM_HEADER, PointFlag, SUMMARY_HEADER } from '../model/index.js';

/**
 * What one request carries: points in the store's columnar form with the definition of every
 * local series (never undefined here: points of series without one are left out and counted).
 * Built from tail entries, and sliced again when a request must be split.
 */
export interface ForwardBatch extends BatchColumns {
  readonly definitions: readonly SeriesDefinition[];
  /** Time range of the points (ms), for logs and `max_age`. */
  readonly minTimeMs: number;
  readonly maxTimeMs: number;
  /**
   * A slice of a request that had to be split: remote write sends it without `target_info`
   * samples, which are derived per request (one per resource, at its newest point) and would
   * otherwise go back in time and make Prometheus refuse the slice for them.
   */
  readonly withoutInfo?: boolean;
  /**
   * Re-read from the store's pages for a span the WAL lost: remote write then skips the same
   * samples when it reads them again from the WAL after the span.
   */
  readonly fromPages?: boolean;
}

/** Copies chosen rows of columnar batches into one new batch with its own series table. */
export class BatchAssembler {
  readonly #builder = new BatchBuilder();
  readonly #locals = new HashMap64<number>(1024);
  readonly #definitions: SeriesDefinition[] = [];
  #min = Infinity;
  #max = -Infinity;

  get pointCount(): number {
    return this.#builder.pointCount;
  }

  /** Adds row `row` of `src`; false (nothing added) when its series has no definition. */
  addRow(src: BatchColumns, definitions: readonly (SeriesDefinition | undefined)[], row: number): boolean {
    const srcLocal = src.series[row]!;
    const def = definitions[srcLocal];
    if (def === undefined) return false;
    let local = this.#locals.get(def.hashHi, def.hashLo);
    if (local === undefined) {
      local = this.#builder.addSeries(def.hashHi, def.hashLo);
      this.#locals.set(def.hashHi, def.hashLo, local);
      this.#definitions.push(def);
    }
    const b = this.#builder;
    const t = src.timeMs[row]!;
    const flags = src.flags[row]!;
    const point = b.pointCount;
    b.addPoint(local, src.startMs[row]!, t, src.values[row]!, flags);
    if (flags & PointFlag.COMPOUND) {
      const from = src.extraOffset[row]!;
      const at = b.beginExtra();
      const n = compoundLength(def.kind, src.extra, from);
      for (let i = 0; i < n; i++) b.pushExtra(src.extra[from + i]!);
      b.setExtraOffset(point, at);
    }
    if (t < this.#min) this.#min = t;
    if (t > this.#max) this.#max = t;
    return true;
  }

  finish(): ForwardBatch {
    const batch = this.#builder.finish();
    const out: ForwardBatch = { ...batch, definitions: this.#definitions.slice(), minTimeMs: this.#min, maxTimeMs: this.#max };
    this.#locals.clear();
    this.#definitions.length = 0;
    this.#min = Infinity;
    this.#max = -Infinity;
    return out;
  }
}

/** Number of `extra` values a compound point of this kind occupies (docs/internal-model.md). */
export function compoundLength(kind: MetricKind, extra: Float64Array, at: number): number {
  switch (kind) {
    case 'histogram': {
      const buckets = extra[at + 4]!;
      return buckets === 0 ? HISTOGRAM_HEADER : HISTOGRAM_HEADER + 2 * buckets - 1;
    }
    case 'exponential_histogram': {
      const nPos = extra[at + EXP_HISTOGRAM_HEADER + 1]!;
      const nNeg = extra[at + EXP_HISTOGRAM_HEADER + 2 + nPos + 1]!;
      return EXP_HISTOGRAM_HEADER + 2 + nPos + 2 + nNeg;
    }
    case 'summary':
      return SUMMARY_HEADER + 2 * extra[at + 2]!;
    default:
      return 0;
  }
}

/** The rows of `batch` for which `keep(row)` holds, as a new batch. */
export function selectRows(batch: ForwardBatch, keep: (row: number) => boolean, slice = false): ForwardBatch {
  const a = new BatchAssembler();
  for (let r = 0; r < batch.pointCount; r++) if (keep(r)) a.addRow(batch, batch.definitions, r);
  const out = a.finish();
  const flags = { ...(slice || batch.withoutInfo === true ? { withoutInfo: true } : {}), ...(batch.fromPages === true ? { fromPages: true } : {}) };
  return { ...out, ...flags };
}

/** Two halves by point order (for a request too large, or a slice that keeps failing). */
export function splitByPoints(batch: ForwardBatch): [ForwardBatch, ForwardBatch] {
  const half = Math.ceil(batch.pointCount / 2);
  return [selectRows(batch, (r) => r < half, true), selectRows(batch, (r) => r >= half, true)];
}

/** Two halves by series, each with every point of its series (per-series order kept whole). */
export function splitBySeries(batch: ForwardBatch): [ForwardBatch, ForwardBatch] {
  const half = Math.ceil(batch.seriesCount / 2);
  return [selectRows(batch, (r) => batch.series[r]! < half, true), selectRows(batch, (r) => batch.series[r]! >= half, true)];
}
