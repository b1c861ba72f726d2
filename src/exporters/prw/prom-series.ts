import type { SeriesDefinition } from '../../model/index.js';
import { HashMap64 } from '../../model/index.js';
import type { PromLabels, RefResolver, SampleSink } from '../../store/index.js';
import { Flattener } from '../../store/index.js';
import type { ForwardBatch } from '../forward-batch.js';
import { ProtoBuffer } from '../proto-buffer.js';

/** Flattened samples of the request being built, as columns reused from request to request. */
interface SampleCols {
  ref: Int32Array;
  t: Float64Array;
  v: Float64Array;
  row: Int32Array;
  n: number;
}

/** What a Prometheus series is, for remote write 2.0 metadata. */
export interface PromSeriesInfo {
  readonly labels: PromLabels;
  readonly kind: SeriesDefinition['kind'] | 'info';
  /** The OTel series it came from (undefined for `target_info`). */
  readonly def: SeriesDefinition | undefined;
  /** Its labels as remote write 1.0 `Label` fields (field 1 of TimeSeries), encoded once. */
  readonly labelBytes: Buffer;
}

/**
 * One request's samples grouped by Prometheus series: series `k` of `series` has the samples
 * `order[from[k]] … order[from[k + 1] - 1]` (indices into times/values/starts), in stored order.
 */
export interface PromBatch {
  readonly series: readonly PromSeriesInfo[];
  readonly from: Int32Array;
  readonly order: Int32Array;
  readonly times: Float64Array;
  readonly values: Float64Array;
  /** Start time (ms) of each sample's point, 0 when none. */
  readonly starts: Float64Array;
}

/**
 * Flattens forwarded batches into Prometheus series exactly as the store names them (the
 * store's own flattener: `_bucket{le}`, `_sum`, `_count`, `{quantile}`, `target_info`, stale
 * markers for NO_RECORDED_VALUE). Label sets get local references that live as long as the
 * exporter, like the store's series references, and their encoded label bytes are kept with
 * them: encoding labels was most of the cost of a request (BENCHMARKS.md, forwarding).
 */
export class PromSeriesBuilder implements RefResolver {
  readonly #info: PromSeriesInfo[] = [];
  readonly #pending: PromLabels[] = [];
  readonly #refs = new Map<string, number>();
  readonly #flattener = new Flattener(this);
  /** A stable id per OTel series (the flattener caches its Prometheus names by it). */
  readonly #ids = new HashMap64<number>(4096);
  readonly #defs: SeriesDefinition[] = [];
  /** Newest sample time built per label set (by ref), for re-reading a lost span from pages. */
  #newest = new Float64Array(1024).fill(-Infinity);
  /** Newest sample re-read from pages per label set: the WAL's copies of those are skipped. */
  #fromPages = new Float64Array(1024).fill(-Infinity);
  #cols: SampleCols = { ref: new Int32Array(4096), t: new Float64Array(4096), v: new Float64Array(4096), row: new Int32Array(4096), n: 0 };

  refFor(labels: PromLabels): number {
    const key = JSON.stringify(labels);
    let ref = this.#refs.get(key);
    if (ref === undefined) {
      ref = this.#refs.size;
      this.#refs.set(key, ref);
      this.#pending[ref] = labels;
    }
    return ref;
  }

  build(batch: ForwardBatch): PromBatch {
    const cols = this.#cols;
    cols.n = 0;
    const info = batch.withoutInfo !== true;
    const pages = batch.fromPages === true;
    this.#room();
    const sink: SampleSink = {
      push: (ref, t, v, row) => {
        if (row < 0 && !info) return;
        if (!pages && t <= (this.#fromPages[ref] ?? -Infinity)) return;
        this.#push(ref, t, v, row);
      },
    };
    this.#flattener.flatten(batch, this.#seriesRefs(batch), (id) => this.#defs[id], sink);
    const n = this.#cols.n;
    const { ref, t, v, row } = this.#cols;
    // Series in order of first sample; samples grouped by series (a counting sort).
    const slot = new Map<number, number>();
    const counts: number[] = [];
    const series: PromSeriesInfo[] = [];
    const slotOf = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const r = ref[i]!;
      let k = slot.get(r);
      if (k === undefined) {
        k = series.length;
        slot.set(r, k);
        counts.push(0);
        series.push(this.#infoOf(r, row[i]! >= 0 ? batch.definitions[batch.series[row[i]!]!] : undefined));
      }
      counts[k]!++;
      slotOf[i] = k;
    }
    const from = new Int32Array(series.length + 1);
    for (let k = 0; k < series.length; k++) from[k + 1] = from[k]! + counts[k]!;
    const next = from.slice(0, series.length);
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[next[slotOf[i]!]!++] = i;
    this.#room();
    const newest = pages ? this.#fromPages : this.#newest;
    for (let i = 0; i < n; i++) if (t[i]! > newest[ref[i]!]!) newest[ref[i]!] = t[i]!;
    if (pages) for (let i = 0; i < n; i++) if (t[i]! > this.#newest[ref[i]!]!) this.#newest[ref[i]!] = t[i]!;
    const starts = new Float64Array(n);
    for (let i = 0; i < n; i++) starts[i] = row[i]! >= 0 ? batch.startMs[row[i]!]! : 0;
    return { series, from, order, times: t.slice(0, n), values: v.slice(0, n), starts };
  }

  /** Grows the per-ref time tables to every ref handed out so far. */
  #room(): void {
    if (this.#newest.length >= this.#refs.size) return;
    const size = Math.max(this.#refs.size, 2 * this.#newest.length);
    const grow = (a: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> => {
      const g = new Float64Array(size).fill(-Infinity);
      g.set(a);
      return g;
    };
    this.#newest = grow(this.#newest);
    this.#fromPages = grow(this.#fromPages);
  }

  /** The newest sample time this exporter built for the label set; undefined when it never had one. */
  newestMs(labels: PromLabels): number | undefined {
    const ref = this.#refs.get(JSON.stringify(labels));
    const t = ref === undefined ? -Infinity : (this.#newest[ref] ?? -Infinity);
    return t === -Infinity ? undefined : t;
  }

  #push(ref: number, time: number, value: number, row: number): void {
    let c = this.#cols;
    if (c.n === c.ref.length) c = this.#grow();
    c.ref[c.n] = ref;
    c.t[c.n] = time;
    c.v[c.n] = value;
    c.row[c.n++] = row;
  }

  #seriesRefs(batch: ForwardBatch): Int32Array {
    const refs = new Int32Array(batch.seriesCount);
    for (let i = 0; i < batch.seriesCount; i++) {
      const def = batch.definitions[i]!;
      let id = this.#ids.get(def.hashHi, def.hashLo);
      if (id === undefined) {
        id = this.#defs.length;
        this.#ids.set(def.hashHi, def.hashLo, id);
        this.#defs.push(def);
      }
      refs[i] = id;
    }
    return refs;
  }

  #infoOf(ref: number, def: SeriesDefinition | undefined): PromSeriesInfo {
    let info = this.#info[ref];
    if (info === undefined) {
      const labels = this.#pending[ref]!;
      const b = new ProtoBuffer(256);
      for (const [name, value] of labels) {
        const l = b.begin(1);
        b.string(1, name);
        b.string(2, value);
        b.end(l);
      }
      info = { labels, kind: def?.kind ?? 'info', def, labelBytes: b.finish() };
      this.#info[ref] = info;
    }
    return info;
  }

  #grow(): SampleCols {
    const c = this.#cols;
    const n = c.ref.length * 2;
    const grown = { ref: new Int32Array(n), t: new Float64Array(n), v: new Float64Array(n), row: new Int32Array(n), n: c.n };
    grown.ref.set(c.ref);
    grown.t.set(c.t);
    grown.v.set(c.v);
    grown.row.set(c.row);
    this.#cols = grown;
    return grown;
  }
}
