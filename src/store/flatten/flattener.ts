import type { Batch, SeriesDefinition } from '../../model/index.js';
import { HashMap64, HISTOGRAM_HEADER, PointFlag, SUMMARY_HEADER } from '../../model/index.js';
import { prometheusName } from './prometheus-names.js';
import type { PromLabels } from './series-labels.js';
import { baseLabels, labelsKey, targetInfoLabels, withName } from './series-labels.js';

/** Prometheus' stale marker: a NaN with this exact bit pattern ends a series. */
export const STALE_NAN = new Float64Array(new BigUint64Array([0x7ff0000000000002n]).buffer)[0]!;

/** Where flattened samples go, by series reference. */
export interface SampleSink {
  append(ref: number, timeMs: number, value: number): void;
}

/** Gives each distinct label set a stable reference (the store's series index). */
export interface RefResolver {
  refFor(labels: PromLabels): number;
}

/** Per OTel series: the Prometheus series its points land in, resolved lazily. */
interface FlatSeries {
  readonly def: SeriesDefinition;
  readonly name: string;
  readonly base: Map<string, string>;
  readonly resourceKey: string;
  value?: number;
  sum?: number;
  count?: number;
  /** Bucket refs by the bounds they were made for (bounds rarely change). */
  buckets?: Map<string, number[]>;
  quantiles?: Map<number, number>;
}

/**
 * Turns batches of OTel points into Prometheus float samples: gauges and sums one series
 * each, histograms `_bucket{le}` (cumulative) + `_sum` + `_count`, exponential histograms
 * `_sum` + `_count`, summaries `{quantile}` + `_sum` + `_count`, and one `target_info`
 * sample (value 1) per resource and batch. NO_RECORDED_VALUE points become stale markers.
 */
export class Flattener {
  readonly #resolver: RefResolver;
  readonly #series = new HashMap64<FlatSeries>(4096);
  readonly #targetInfo = new Map<string, number>();

  constructor(resolver: RefResolver) {
    this.#resolver = resolver;
  }

  flatten(batch: Batch, definitionOf: (hashHi: number, hashLo: number) => SeriesDefinition | undefined, sink: SampleSink): number {
    const locals: (FlatSeries | undefined)[] = new Array(batch.seriesCount);
    // Newest point time per distinct resource of this batch, by a small slot number per
    // local series, so the per-point loop does no string-keyed lookups.
    const resourceSlots = new Map<string, number>();
    const slotOfLocal = new Int32Array(batch.seriesCount).fill(-1);
    let dropped = 0;
    for (let i = 0; i < batch.seriesCount; i++) {
      const hi = batch.seriesHashes[2 * i]!;
      const lo = batch.seriesHashes[2 * i + 1]!;
      let flat = this.#series.get(hi, lo);
      if (flat === undefined) {
        const def = batch.definitions[i] ?? definitionOf(hi, lo);
        if (def === undefined) continue;
        flat = { def, name: prometheusName(def), base: baseLabels(def), resourceKey: labelsKey(def.resource) };
        this.#series.set(hi, lo, flat);
      }
      locals[i] = flat;
      let slot = resourceSlots.get(flat.resourceKey);
      if (slot === undefined) resourceSlots.set(flat.resourceKey, (slot = resourceSlots.size));
      slotOfLocal[i] = slot;
    }
    const newest = new Float64Array(resourceSlots.size).fill(-Infinity);
    for (let p = 0; p < batch.pointCount; p++) {
      const local = batch.series[p]!;
      const flat = locals[local];
      if (flat === undefined) {
        dropped++;
        continue;
      }
      const t = batch.timeMs[p]!;
      const slot = slotOfLocal[local]!;
      if (t > newest[slot]!) newest[slot] = t;
      const flags = batch.flags[p]!;
      if (flags & PointFlag.COMPOUND) this.#compound(flat, batch, p, t, sink);
      else if (flags & PointFlag.NO_RECORDED_VALUE) this.#stale(flat, t, sink);
      else sink.append((flat.value ??= this.#ref(withName(flat.base, flat.name))), t, batch.values[p]!);
    }
    for (const [key, slot] of resourceSlots) {
      const t = newest[slot]!;
      if (t === -Infinity) continue;
      let ref = this.#targetInfo.get(key);
      if (ref === undefined) {
        const resource = JSON.parse(key) as SeriesDefinition['resource'];
        if (resource.length === 0) continue;
        ref = this.#ref(targetInfoLabels(resource));
        this.#targetInfo.set(key, ref);
      }
      sink.append(ref, t, 1);
    }
    return dropped;
  }

  #stale(flat: FlatSeries, t: number, sink: SampleSink): void {
    if (flat.def.kind === 'gauge' || flat.def.kind === 'sum') {
      sink.append((flat.value ??= this.#ref(withName(flat.base, flat.name))), t, STALE_NAN);
      return;
    }
    sink.append(this.#countRef(flat), t, STALE_NAN);
    sink.append(this.#sumRef(flat), t, STALE_NAN);
  }

  #compound(flat: FlatSeries, b: Batch, p: number, t: number, sink: SampleSink): void {
    const at = b.extraOffset[p]!;
    const x = b.extra;
    const count = x[at]!;
    const sum = x[at + 1]!;
    sink.append(this.#countRef(flat), t, count);
    if (!Number.isNaN(sum)) sink.append(this.#sumRef(flat), t, sum);
    if (flat.def.kind === 'histogram') {
      const buckets = x[at + 4]!;
      if (buckets === 0) return;
      const boundsAt = at + HISTOGRAM_HEADER;
      const countsAt = boundsAt + buckets - 1;
      const refs = this.#bucketRefs(flat, x.subarray(boundsAt, countsAt));
      let cumulative = 0;
      for (let i = 0; i < buckets; i++) {
        cumulative += x[countsAt + i]!;
        sink.append(refs[i]!, t, cumulative);
      }
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
        sink.append(ref, t, x[at + SUMMARY_HEADER + 2 * i + 1]!);
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

/** `le` and `quantile` values as Prometheus writes them: shortest form, `+Inf`. */
export function formatLabelFloat(v: number): string {
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}
