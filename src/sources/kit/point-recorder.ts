import type { SeriesDefinition } from '../../model/index.js';
import { PointFlag } from '../../model/index.js';
import type { Attributes, MetricInfo, MetricSink } from '../host/scraper.js';
import type { LocalOrigin, LocalSeriesParts, LocalSeriesTable } from './series-table.js';
import { localOrigin } from './series-table.js';

/** One point produced by the agent itself, waiting to become a batch row. */
export interface LocalPoint {
  readonly def: SeriesDefinition;
  readonly startMs: number;
  readonly value: number;
  readonly flags: number;
  /** Histogram payload in the batch's compound layout (docs/internal-model.md). */
  readonly extra?: readonly number[];
}

/**
 * Collects the points of one collection (one scrape of one scraper, or one pass over the
 * registry) as MetricSink calls, resolving each to its series definition.
 */
export class PointRecorder implements MetricSink {
  readonly points: LocalPoint[];
  /** Points refused as invalid series (e.g. an empty attribute key), with the first reason. */
  invalid = 0;
  firstError: string | undefined;

  constructor(
    private readonly table: LocalSeriesTable,
    private readonly origin: LocalOrigin,
    /** Start of cumulative counters unless a point says otherwise (boot or agent start). */
    private readonly defaultStartMs: number,
    points: LocalPoint[] = [],
  ) {
    this.points = points;
  }

  counter(metric: MetricInfo, attributes: Attributes, value: number, startMs = this.defaultStartMs): void {
    this.#add(metric, 'sum', true, attributes, value, startMs);
  }

  upDown(metric: MetricInfo, attributes: Attributes, value: number): void {
    this.#add(metric, 'sum', false, attributes, value, this.defaultStartMs);
  }

  gauge(metric: MetricInfo, attributes: Attributes, value: number): void {
    this.#add(metric, 'gauge', false, attributes, value, 0);
  }

  withResource(attributes: Attributes): MetricSink {
    const origin = localOrigin([...this.origin.resource, ...attributes], this.origin.scopeName);
    return new PointRecorder(this.table, origin, this.defaultStartMs, this.points);
  }

  /** A cumulative explicit-bucket histogram; `counts` per bucket, one more than `bounds`. */
  histogram(metric: MetricInfo, attributes: Attributes, sum: number, bounds: readonly number[], counts: readonly number[]): void {
    let count = 0;
    for (const c of counts) count += c;
    const extra = [count, sum, NaN, NaN, counts.length, ...bounds, ...counts];
    this.#add(metric, 'histogram', false, attributes, count, this.defaultStartMs, extra);
  }

  #add(metric: MetricInfo, kind: LocalSeriesParts['kind'], monotonic: boolean, attributes: Attributes, value: number, startMs: number, extra?: number[]): void {
    const def = this.table.definition(this.origin, { name: metric.name, kind, monotonic, unit: metric.unit, description: metric.description, attributes });
    if (typeof def === 'string') {
      this.invalid++;
      this.firstError ??= `${metric.name}: ${def}`;
      return;
    }
    let flags = metric.int === true ? PointFlag.INT : 0;
    if (extra !== undefined) flags = PointFlag.COMPOUND;
    this.points.push(extra === undefined ? { def, startMs, value, flags } : { def, startMs, value, flags, extra });
  }
}
