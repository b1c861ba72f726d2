import type { BatchColumns, SeriesDefinition } from '../../model/index.js';
import { BatchBuilder, hashBytes, hashOut, hashWord } from '../../model/index.js';
import { decodeSeriesParts, METRIC_DATA_FIELD, SOURCE_STRIDE, Src } from './proto-definition.js';
import { ProtoReader, readTag, Wire } from './proto-reader.js';
import { PointReader } from './proto-points.js';
import type { SeriesEntry } from './series-cache.js';
import { SeriesCache } from './series-cache.js';
import type { AttributeLimits } from '../../model/index.js';
import type { DecodeLimits } from './decode-limits.js';
import { DEFAULT_DECODE_CAPS } from './decode-limits.js';


import { identify } from '../../model/index.js';

/** The outcome of decoding one ExportMetricsServiceRequest. */
export interface DecodeOutcome {
  /** Views of the decoder's own arrays: valid until its next decode. */
  readonly batch: BatchColumns;
  /** Per local series, where its parts are in the request bytes (see SOURCE_STRIDE); empty for JSON. */
  readonly sources: Uint32Array;
  /** Per local series, what the worker knows of it: its definition and the store's reference once found. */
  readonly series: readonly SeriesSlot[];
  readonly accepted: number;
  readonly rejected: number;
  /** The first rejection reason, with how many other reasons followed. */
  readonly errorMessage: string;
  readonly exemplarsDropped: number;
}

/** A local series as the reply needs it: the reference the worker found for it, else its definition. */
export interface SeriesSlot {
  ref: number;
  def: SeriesDefinition | null;
}

const KIND_BY_FIELD = new Map<number, number>(METRIC_DATA_FIELD.map((f, code) => [f, code]));
const SEED_HI = 0x2f0b3c4d;
const SEED_LO = 0x7a1e9d55;

/**
 * Walks the protobuf bytes of an ExportMetricsServiceRequest straight into a columnar batch.
 * The hot path never builds strings: a point's series is found by hashing its raw attribute
 * bytes together with its resource, scope and metric; strings are decoded only the first
 * time a worker meets a series. Malformed input throws DecodeError.
 */
export class OtlpProtoDecoder {
  readonly #cache: SeriesCache;
  readonly #limits: DecodeLimits;
  /** Whether the store already has a series (its shared table); new series count against the per-request cap. */
  #known: (hashHi: number, hashLo: number) => boolean = () => false;
  /** Store series the current request has created so far. */
  #newSeries = 0;
  readonly #builder = new BatchBuilder();
  readonly #points = new PointReader();
  #stamp = 0;
  #sources = new Uint32Array(SOURCE_STRIDE * 256);
  readonly #entries: SeriesEntry[] = [];
  #r = new ProtoReader(new Uint8Array(0));
  // The resource, scope and metric being walked: byte ranges and their combined raw hash.
  #res0 = 0;
  #res1 = 0;
  #scope0 = 0;
  #scope1 = 0;
  /** The metric being walked: name, unit, description ranges, temporality, monotonic (sources order). */
  readonly #metric = new Uint32Array(8);
  #kindCode = 0;
  #ctxHi = 0;
  #ctxLo = 0;
  #rejected = 0;
  #reasons: string[] = [];

  constructor(limits: AttributeLimits & Partial<DecodeLimits>, cacheEntries = 1 << 20) {
    this.#limits = { ...DEFAULT_DECODE_CAPS, ...limits };
    this.#cache = new SeriesCache(cacheEntries);
  }

  /** How to tell a series the store has from a new one (the store's shared series table). */
  knownBy(known: (hashHi: number, hashLo: number) => boolean): void {
    this.#known = known;
  }

  decode(buf: Uint8Array): DecodeOutcome {
    const r = (this.#r = new ProtoReader(buf));
    this.#stamp++;
    this.#newSeries = 0;
    this.#builder.reset();
    this.#rejected = 0;
    this.#reasons = [];
    this.#points.reset(r);
    this.#each(0, buf.length, 1, 'ExportMetricsServiceRequest', 'resource_metrics', this.#resourceMetrics);
    const seriesCount = this.#builder.seriesCount;
    const sources = this.#sources.subarray(0, seriesCount * SOURCE_STRIDE);
    this.#entries.length = seriesCount;
    const batch = this.#builder.view();
    const first = this.#reasons[0] ?? '';
    const more = this.#reasons.length - 1;
    return {
      batch,
      sources,
      series: this.#entries,
      accepted: batch.pointCount,
      rejected: this.#rejected,
      errorMessage: more > 0 ? `${first} (and ${more} other reasons)` : first,
      exemplarsDropped: this.#points.exemplars,
    };
  }

  readonly #resourceMetrics = (start: number, end: number): void => {
    this.#find(start, end, 1, 'ResourceMetrics', 'resource');
    this.#res0 = this.#found0;
    this.#res1 = this.#found1;
    this.#each(start, end, 2, 'ResourceMetrics', 'scope_metrics', this.#scopeMetrics);
  };

  readonly #scopeMetrics = (start: number, end: number): void => {
    this.#find(start, end, 1, 'ScopeMetrics', 'scope');
    this.#scope0 = this.#found0;
    this.#scope1 = this.#found1;
    this.#each(start, end, 2, 'ScopeMetrics', 'metrics', this.#walkMetric);
  };

  #found0 = 0;
  #found1 = 0;

  /** Sets #found0/#found1 to the range of the last `field` (a message) in [start, end), or 0, 0. */
  #find(start: number, end: number, field: number, message: string, name: string): void {
    const r = this.#r;
    this.#found0 = this.#found1 = 0;
    r.pos = start;
    while (r.pos < end) {
      const tag = readTag(r, end);
      if (tag >>> 3 === field) {
        r.expect(tag & 7, Wire.LEN, message, name);
        this.#found1 = r.lenEnd(end);
        this.#found0 = r.pos;
        r.pos = this.#found1;
      } else r.skip(tag & 7, end, tag >>> 3);
    }
  }

  /** Calls `visit` with the range of each `field` (a message) in [start, end). */
  #each(start: number, end: number, field: number, message: string, name: string, visit: (start: number, end: number) => void): void {
    const r = this.#r;
    r.pos = start;
    while (r.pos < end) {
      const tag = readTag(r, end);
      if (tag >>> 3 === field) {
        r.expect(tag & 7, Wire.LEN, message, name);
        const stop = r.lenEnd(end);
        visit(r.pos, stop);
        r.pos = stop;
      } else r.skip(tag & 7, end, tag >>> 3);
    }
  }

  readonly #walkMetric = (start: number, end: number): void => {
    const r = this.#r;
    let name0 = 0;
    let name1 = 0;
    let unit0 = 0;
    let unit1 = 0;
    let desc0 = 0;
    let desc1 = 0;
    let data0 = -1;
    let data1 = 0;
    let kindCode = -1;
    r.pos = start;
    while (r.pos < end) {
      const tag = readTag(r, end);
      const field = tag >>> 3;
      const code = KIND_BY_FIELD.get(field);
      if (field <= 3 || code !== undefined) {
        r.expect(tag & 7, Wire.LEN, 'Metric', field === 1 ? 'name' : field === 2 ? 'description' : field === 3 ? 'unit' : 'data');
        const stop = r.lenEnd(end);
        if (field === 1) (name0 = r.pos), (name1 = stop);
        else if (field === 2) (desc0 = r.pos), (desc1 = stop);
        else if (field === 3) (unit0 = r.pos), (unit1 = stop);
        else (data0 = r.pos), (data1 = stop), (kindCode = code!);
        r.pos = stop;
      } else r.skip(tag & 7, end, field);
    }
    if (kindCode < 0) return; // a metric with no data carries no points to keep or reject
    // Temporality and monotonicity follow the points on the wire; read them first.
    let temporality = 0;
    let monotonic = 0;
    r.pos = data0;
    while (r.pos < data1) {
      const tag = readTag(r, data1);
      const field = tag >>> 3;
      if (field === 2 && kindCode >= 1 && kindCode <= 3) {
        r.expect(tag & 7, Wire.VARINT, 'Metric', 'aggregation_temporality');
        temporality = r.uint32(data1);
      } else if (field === 3 && kindCode === 1) {
        r.expect(tag & 7, Wire.VARINT, 'Sum', 'is_monotonic');
        monotonic = r.uint32(data1) ? 1 : 0;
      } else r.skip(tag & 7, data1, field);
    }
    this.#metric[0] = name0;
    this.#metric[1] = name1;
    this.#metric[2] = unit0;
    this.#metric[3] = unit1;
    this.#metric[4] = desc0;
    this.#metric[5] = desc1;
    this.#metric[6] = temporality;
    this.#metric[7] = monotonic;
    this.#kindCode = kindCode;
    hashBytes(r.buf, this.#res0, this.#res1, SEED_HI, SEED_LO);
    hashBytes(r.buf, this.#scope0, this.#scope1, hashOut.hi, hashOut.lo);
    hashBytes(r.buf, name0, name1, hashOut.hi, hashOut.lo);
    hashBytes(r.buf, unit0, unit1, hashOut.hi, hashOut.lo);
    hashWord(hashOut.hi, hashOut.lo, kindCode | (temporality << 4) | (monotonic << 8));
    this.#ctxHi = hashOut.hi;
    this.#ctxLo = hashOut.lo;
    const metricError =
      name0 === name1 ? 'metric name is empty'
      : kindCode >= 1 && kindCode <= 3 && temporality !== 1 && temporality !== 2 ? `metric aggregation_temporality ${temporality} is not delta (1) or cumulative (2)`
      : null;
    const points = this.#points;
    r.pos = data0;
    while (r.pos < data1) {
      const tag = readTag(r, data1);
      if (tag >>> 3 !== 1) {
        r.skip(tag & 7, data1, tag >>> 3);
        continue;
      }
      r.expect(tag & 7, Wire.LEN, 'Metric', 'data_points');
      const stop = r.lenEnd(data1);
      const p0 = r.pos;
      points.read(kindCode, p0, stop, this.#ctxHi, this.#ctxLo);
      r.pos = stop;
      if (metricError !== null) {
        this.#reject(metricError);
        continue;
      }
      const entry = this.#series(p0, stop);
      if (entry.error !== null) this.#reject(entry.error);
      else {
        const problem = points.problem(this.#limits.maxBucketsPerPoint) ?? this.#admitNew(entry, points.storeSeries());
        if (problem !== null) this.#reject(problem);
        else points.emit(this.#builder, this.#local(entry, p0, stop));
      }
    }
  };

  /** Finds the series of the point just read, decoding its strings only on a cache miss. */
  #series(p0: number, p1: number): SeriesEntry {
    const points = this.#points;
    const hit = this.#cache.get(points.attrHashHi, points.attrHashLo);
    if (hit !== undefined) return hit;
    this.#recordSources(this.#builder.seriesCount, p0, p1);
    const parts = decodeSeriesParts(this.#r.buf, this.#sources, this.#builder.seriesCount * SOURCE_STRIDE);
    return this.#cache.add(points.attrHashHi, points.attrHashLo, identify(parts, this.#limits));
  }

  /**
   * The first time a request uses a series the store does not have, it takes the series it
   * will make in the store from the request's allowance; null when it fits.
   */
  #admitNew(entry: SeriesEntry, storeSeries: number): string | null {
    if (entry.stamp === this.#stamp || entry.ref >= 0 || this.#known(entry.hashHi, entry.hashLo)) return null;
    if (this.#newSeries + storeSeries > this.#limits.maxNewSeriesPerRequest) return `the request creates more than limits.max_new_series_per_request (${this.#limits.maxNewSeriesPerRequest}) series`;
    this.#newSeries += storeSeries;
    return null;
  }

  #local(entry: SeriesEntry, p0: number, p1: number): number {
    if (entry.stamp === this.#stamp) return entry.local;
    const local = this.#builder.seriesCount;
    this.#recordSources(local, p0, p1);
    this.#builder.addSeries(entry.hashHi, entry.hashLo);
    this.#entries[local] = entry;
    entry.stamp = this.#stamp;
    entry.local = local;
    return local;
  }

  #recordSources(local: number, p0: number, p1: number): void {
    const at = local * SOURCE_STRIDE;
    if (at + SOURCE_STRIDE > this.#sources.length) {
      const bigger = new Uint32Array(this.#sources.length * 2);
      bigger.set(this.#sources);
      this.#sources = bigger;
    }
    const s = this.#sources;
    s[at + Src.RES] = this.#res0;
    s[at + Src.RES + 1] = this.#res1;
    s[at + Src.SCOPE] = this.#scope0;
    s[at + Src.SCOPE + 1] = this.#scope1;
    s.set(this.#metric, at + Src.NAME);
    s[at + Src.POINT] = p0;
    s[at + Src.POINT + 1] = p1;
    s[at + Src.KIND] = this.#kindCode;
  }

  #reject(reason: string): void {
    this.#rejected++;
    if (this.#reasons.length < 8 && !this.#reasons.includes(reason)) this.#reasons.push(reason);
  }
}

