import type { BatchColumns, SeriesDefinition } from '../../model/index.js';
import { EXP_HISTOGRAM_HEADER, HISTOGRAM_HEADER, PointFlag, SUMMARY_HEADER } from '../../model/index.js';
import type { ClassicBuckets } from './exp-buckets.js';
import { classicBuckets } from './exp-buckets.js';
import { formatLabelFloat } from './label-float.js';
import { prometheusName } from './prometheus-names.js';
import type { SampleSink } from './sample-columns.js';
import type { PromLabels } from './series-labels.js';
import { baseLabels, labelsKey, targetInfoLabels, withName } from './series-labels.js';

/** Prometheus' stale marker: a NaN with this exact bit pattern ends a series. */
export const STALE_NAN = new Float64Array(new BigUint64Array([0x7ff0000000000002n]).buffer)[0]!;


/** Gives each distinct label set a stable reference (the store's series index). */
export interface RefResolver {
  refFor(labels: PromLabels): number;
}

/** Per OTel series: the Prometheus series its points land in, resolved lazily. */
interface FlatSeries {
  readonly def: SeriesDefinition;
  readonly name: string;
  readonly base: Map<string, string>;
  /** Interned resource identity, for one `target_info` sample per resource and batch. */
  readonly resource: number;
  sum?: number;
  count?: number;
  /** Bucket refs by the bounds they were made for (bounds rarely change). */
  buckets?: Map<string, number[]>;
  quantiles?: Map<number, number>;
}

/**
 * Turns batches of OTel points into Prometheus float samples: gauges and sums one series
 * each, histograms `_bucket{le}` (cumulative) + `_sum` + `_count`, exponential histograms
 * the same with their buckets at scale 3 at most (exp-buckets.ts), summaries `{quantile}` + `_sum` + `_count`, and one `target_info`
 * sample (value 1) per resource and batch. NO_RECORDED_VALUE points become stale markers.
 */
export class Flattener {
  readonly #resolver: RefResolver;
  /** By the store's reference of the OTel series. */
  #series: (FlatSeries | undefined)[] = [];
  /**
   * Also by reference, as typed arrays so the per-batch loop touches no object: the float
   * series ref of a gauge or sum (SIMPLE_NONE: not set up yet, SIMPLE_COMPOUND: another kind),
   * and the series' resource id. With 10,000 series going round, chasing objects here cost
   * ~250 ns of cache misses per point (measured).
   */
  #simpleOfRef = new Int32Array(0);
  #resourceOfRef = new Int32Array(0);
  // Per local series of the batch being flattened, reused from batch to batch.
  #simpleRef = new Int32Array(0);
  #resourceOf = new Int32Array(0);
  readonly #touched: number[] = [];
  /** Resources by canonical key, and per resource id its labels and `target_info` ref. */
  readonly #resourceIds = new Map<string, number>();
  readonly #resources: { readonly labels: SeriesDefinition['resource']; targetInfo?: number }[] = [];
  /** Newest point time per resource id in the batch being flattened (-Infinity: none). */
  #newest = new Float64Array(16).fill(-Infinity);

  readonly #maxBuckets: number;
  readonly #classic: ClassicBuckets = { bounds: new Float64Array(64), cumulative: new Float64Array(64), length: 0 };
  /** 1 for float series of delta sums (streaming aggregation sums them instead of differencing). */
  #delta = new Uint8Array(0);
  /** Compound points the last `flatten` dropped for having more buckets than the limit. */
  overLimit = 0;

  /** `maxBuckets`: a histogram point with more buckets (or a summary with more quantiles) is dropped. */
  constructor(resolver: RefResolver, maxBuckets = Infinity) {
    this.#resolver = resolver;
    this.#maxBuckets = maxBuckets;
  }

  /**
   * Flattens a batch whose local series have the store's references `seriesRefs` (-1: unknown,
   * its points are dropped and counted). Returns how many points were dropped.
   */
  flatten(batch: BatchColumns, seriesRefs: Int32Array, definitionOf: (ref: number) => SeriesDefinition | undefined, sink: SampleSink): number {
    const s = batch.seriesCount;
    if (s > this.#simpleRef.length) this.#growLocals(s);
    // Per local: the float series of a gauge or sum, SIMPLE_COMPOUND, or SIMPLE_NONE (unknown).
    const simpleRef = this.#simpleRef;
    const resourceOf = this.#resourceOf;
    const touched = this.#touched;
    touched.length = 0;
    this.overLimit = 0;
    let dropped = 0;
    for (let i = 0; i < s; i++) {
      const ref = seriesRefs[i]!;
      let simple = ref >= 0 && ref < this.#simpleOfRef.length ? this.#simpleOfRef[ref]! : SIMPLE_NONE;
      if (simple === SIMPLE_NONE && ref >= 0) simple = this.#setUp(ref, definitionOf);
      simpleRef[i] = simple;
      if (simple === SIMPLE_NONE) continue;
      const res = (resourceOf[i] = this.#resourceOfRef[ref]!);
      if (this.#newest[res] === -Infinity) {
        this.#newest[res] = -Number.MAX_VALUE;
        touched.push(res);
      }
    }
    // Read after the loop above: interning a new resource may have grown the array.
    const newest = this.#newest;
    const series = batch.series;
    const flags = batch.flags;
    const times = batch.timeMs;
    const values = batch.values;
    for (let p = 0; p < batch.pointCount; p++) {
      const local = series[p]!;
      const ref = simpleRef[local]!;
      const t = times[p]!;
      if (ref >= 0) {
        const f = flags[p]!;
        // A gauge or sum: its value, or a stale marker for NO_RECORDED_VALUE.
        sink.push(ref, t, (f & PointFlag.NO_RECORDED_VALUE) === 0 ? values[p]! : STALE_NAN, p);
        const res = resourceOf[local]!;
        if (t > newest[res]!) newest[res] = t;
        continue;
      }
      if (ref === SIMPLE_NONE) {
        dropped++;
        continue;
      }
      const flat = this.#series[seriesRefs[local]!]!;
      const res = resourceOf[local]!;
      if (t > newest[res]!) newest[res] = t;
      const f = flags[p]!;
      if (f & PointFlag.COMPOUND) {
        // The decode workers refuse such points; a WAL written under a higher limit (or a bug)
        // must not make thousands of series on replay either.
        if (compoundWidth(flat.def.kind, batch, p) > this.#maxBuckets) this.overLimit++;
        else this.#compound(flat, batch, p, t, sink);
      }
      else if (f & PointFlag.NO_RECORDED_VALUE) this.#stale(flat, p, t, sink);
    }
    for (const id of touched) {
      const t = newest[id]!;
      newest[id] = -Infinity;
      const resource = this.#resources[id]!;
      if (t === -Number.MAX_VALUE) continue;
      if (resource.targetInfo === undefined) {
        const labels = targetInfoLabels(resource.labels);
        resource.targetInfo = labels === undefined ? -1 : this.#ref(labels);
      }
      if (resource.targetInfo >= 0) sink.push(resource.targetInfo, t, 1, -1);
    }
    return dropped;
  }

  /** The first time a reference is seen: its flat series, its float series ref if simple; SIMPLE_NONE when undefined. */
  #setUp(ref: number, definitionOf: (ref: number) => SeriesDefinition | undefined): number {
    const def = definitionOf(ref);
    if (def === undefined) return SIMPLE_NONE;
    const flat: FlatSeries = { def, name: prometheusName(def), base: baseLabels(def), resource: this.#resourceId(def.resource) };
    if (ref >= this.#simpleOfRef.length) this.#growRefs(ref + 1);
    const simple = def.kind === 'gauge' || def.kind === 'sum' ? this.#ref(withName(flat.base, flat.name)) : SIMPLE_COMPOUND;
    // Gauges and sums need nothing more than their float series ref: only compound kinds keep
    // their labels around (for bucket and quantile series made later). ~400 B per series less.
    if (simple === SIMPLE_COMPOUND) this.#series[ref] = flat;
    else if (def.kind === 'sum' && def.temporality === 'delta') this.#markDelta(simple);
    this.#simpleOfRef[ref] = simple;
    this.#resourceOfRef[ref] = flat.resource;
    return simple;
  }

  /** Whether float series `ref` carries a delta sum. */
  isDelta(ref: number): boolean {
    return ref < this.#delta.length && this.#delta[ref] === 1;
  }

  #markDelta(ref: number): void {
    if (ref >= this.#delta.length) {
      const grown = new Uint8Array(Math.max(1024, ref * 2));
      grown.set(this.#delta);
      this.#delta = grown;
    }
    this.#delta[ref] = 1;
  }

  #growRefs(min: number): void {
    const size = Math.max(1024, 2 * min);
    const simple = new Int32Array(size).fill(SIMPLE_NONE);
    simple.set(this.#simpleOfRef);
    const resource = new Int32Array(size);
    resource.set(this.#resourceOfRef);
    this.#simpleOfRef = simple;
    this.#resourceOfRef = resource;
    const series = new Array<FlatSeries | undefined>(size).fill(undefined);
    for (let i = 0; i < this.#series.length; i++) series[i] = this.#series[i];
    this.#series = series;
  }

  #growLocals(n: number): void {
    const size = Math.max(1024, 2 * n);
    this.#simpleRef = new Int32Array(size);
    this.#resourceOf = new Int32Array(size);
  }

  #resourceId(labels: SeriesDefinition['resource']): number {
    const key = labelsKey(labels);
    let id = this.#resourceIds.get(key);
    if (id === undefined) {
      id = this.#resources.length;
      this.#resourceIds.set(key, id);
      this.#resources.push({ labels });
      if (id >= this.#newest.length) {
        const bigger = new Float64Array(this.#newest.length * 2).fill(-Infinity);
        bigger.set(this.#newest);
        this.#newest = bigger;
      }
    }
    return id;
  }

  /** A compound series' stale marker ends its count and sum (gauges and sums are handled inline). */
  #stale(flat: FlatSeries, p: number, t: number, sink: SampleSink): void {
    sink.push(this.#countRef(flat), t, STALE_NAN, p);
    sink.push(this.#sumRef(flat), t, STALE_NAN, p);
  }

  #compound(flat: FlatSeries, b: BatchColumns, p: number, t: number, sink: SampleSink): void {
    const at = b.extraOffset[p]!;
    const x = b.extra;
    const count = x[at]!;
    const sum = x[at + 1]!;
    sink.push(this.#countRef(flat), t, count, p);
    if (!Number.isNaN(sum)) sink.push(this.#sumRef(flat), t, sum, p);
    if (flat.def.kind === 'histogram') {
      const buckets = x[at + 4]!;
      if (buckets === 0) {
        // No buckets: Prometheus still exposes `_bucket{le="+Inf"}` = count.
        sink.push(this.#bucketRefs(flat, EMPTY)[0]!, t, count, p);
        return;
      }
      const boundsAt = at + HISTOGRAM_HEADER;
      const countsAt = boundsAt + buckets - 1;
      const refs = this.#bucketRefs(flat, x.subarray(boundsAt, countsAt));
      let cumulative = 0;
      for (let i = 0; i < buckets - 1; i++) {
        cumulative += x[countsAt + i]!;
        sink.push(refs[i]!, t, cumulative, p);
      }
      // `+Inf` is the point's count, as in Prometheus, whatever the buckets add up to.
      sink.push(refs[buckets - 1]!, t, count, p);
    } else if (flat.def.kind === 'exponential_histogram') {
      const classic = classicBuckets(x, at, this.#classic);
      const refs = this.#bucketRefs(flat, classic.bounds.subarray(0, classic.length));
      for (let i = 0; i < classic.length; i++) sink.push(refs[i]!, t, classic.cumulative[i]!, p);
      sink.push(refs[classic.length]!, t, count, p);
    } else if (flat.def.kind === 'summary') {
      const n = x[at + 2]!;
      for (let i = 0; i < n; i++) {
        const q = x[at + SUMMARY_HEADER + 2 * i]!;
        flat.quantiles ??= new Map();
        let ref = flat.quantiles.get(q);
        if (ref === undefined) {
          ref = this.#ref(withName(flat.base, flat.name, [['quantile', formatLabelFloat(q)]]));
          flat.quantiles.set(q, ref);
        }
        sink.push(ref, t, x[at + SUMMARY_HEADER + 2 * i + 1]!, p);
      }
    }
  }

  #bucketRefs(flat: FlatSeries, bounds: Float64Array): number[] {
    const key = bounds.join(',');
    flat.buckets ??= new Map();
    let refs = flat.buckets.get(key);
    if (refs === undefined) {
      const name = `${flat.name}_bucket`;
      refs = [...bounds, Infinity].map((le) => this.#ref(withName(flat.base, name, [['le', formatLabelFloat(le)]])));
      flat.buckets.set(key, refs);
    }
    return refs;
  }

  #countRef(flat: FlatSeries): number {
    return (flat.count ??= this.#ref(withName(flat.base, `${flat.name}_count`)));
  }

  #sumRef(flat: FlatSeries): number {
    return (flat.sum ??= this.#ref(withName(flat.base, `${flat.name}_sum`)));
  }

  #ref(labels: PromLabels): number {
    return this.#resolver.refFor(labels);
  }
}

const EMPTY = new Float64Array(0);

/** Buckets of a histogram point's payload, or quantiles of a summary's (0 for other kinds). */
function compoundWidth(kind: SeriesDefinition['kind'], b: BatchColumns, p: number): number {
  const at = b.extraOffset[p]!;
  if (kind === 'histogram') return b.extra[at + 4]!;
  if (kind === 'summary') return b.extra[at + 2]!;
  if (kind === 'exponential_histogram') {
    const positive = b.extra[at + EXP_HISTOGRAM_HEADER + 1]!;
    return positive + b.extra[at + EXP_HISTOGRAM_HEADER + 3 + positive]!;
  }
  return 0;
}
/** Markers in the per-reference float series column. */
const SIMPLE_NONE = -1;
const SIMPLE_COMPOUND = -2;
