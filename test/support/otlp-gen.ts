import { mulberry32 } from './prng.js';
/**
 * Seeded generator of OTLP ExportMetricsServiceRequest objects in the plain shape protobufjs'
 * `fromObject` accepts (64-bit integers as decimal strings, bytes as Uint8Array, enums as numbers).
 * Same seed and options => same request. Covers every metric kind, every AnyValue type (nested
 * arrays / kvlists, bytes), the NO_RECORDED_VALUE flag, exemplars, optional histogram fields.
 */

export type Kind = 'gauge' | 'sum' | 'histogram' | 'exponential_histogram' | 'summary';
export const ALL_KINDS: readonly Kind[] = ['gauge', 'sum', 'histogram', 'exponential_histogram', 'summary'];

export interface GenOptions {
  resources?: number;
  scopesPerResource?: number;
  metricsPerScope?: number;
  pointsPerMetric?: number;
  kinds?: readonly Kind[];
}

export interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string;
  doubleValue?: number;
  bytesValue?: Uint8Array;
  arrayValue?: { values: AnyValue[] };
  kvlistValue?: { values: KeyValue[] };
}
export interface KeyValue {
  key: string;
  value?: AnyValue;
}
/** A data point of any kind; which fields are set depends on the kind. */
export type Point = Record<string, unknown> & { attributes: KeyValue[]; timeUnixNano: string; flags?: number };
export interface Metric {
  name: string;
  description?: string;
  unit?: string;
  gauge?: { dataPoints: Point[] };
  sum?: { dataPoints: Point[]; aggregationTemporality: number; isMonotonic?: boolean };
  histogram?: { dataPoints: Point[]; aggregationTemporality: number };
  exponentialHistogram?: { dataPoints: Point[]; aggregationTemporality: number };
  summary?: { dataPoints: Point[] };
}
export interface ScopeMetrics {
  scope?: { name?: string; version?: string; attributes?: KeyValue[]; droppedAttributesCount?: number };
  metrics: Metric[];
  schemaUrl?: string;
}
export interface ResourceMetrics {
  resource?: { attributes: KeyValue[]; droppedAttributesCount?: number };
  scopeMetrics: ScopeMetrics[];
  schemaUrl?: string;
}
export interface GenRequest {
  resourceMetrics: ResourceMetrics[];
}

/** mulberry32: small, fast, good enough for test data. */
export class Rng {
  readonly #next: () => number;
  constructor(seed: number) {
    this.#next = mulberry32(seed ^ 0x5eed1234);
  }
  next(): number {
    return this.#next();
  }
  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }
  bytes(n: number): Uint8Array {
    return Uint8Array.from({ length: n }, () => this.int(0, 255));
  }
}

const KEYS = ['host', 'region', 'service.name', 'code', 'method', 'path', 'ünï.cødé', 'k', 'le', 'zone'];
const STRINGS = ['a', 'b', 'prod', 'us-east-1', 'GET', '/api/v1/items', '', 'ünïcödé ✓', '日本語', 'with "quotes"\n', '🚀'];
const INTS = ['0', '1', '-1', '42', '9007199254740993', '-9223372036854775808', '9223372036854775807', '-123456789012'];
const DOUBLES = [0.5, -2.25, 1e21, 3.141592653589793, 1e-7, NaN, Infinity, -Infinity, 1e300, 12];
const NAMES = ['http.server.duration', 'requests', 'queue.size', 'cpu.time', 'mem.used', 'ünïcode.metric', 'x'];
const UNITS = ['', 'ms', 'By', '1', '{request}', 's'];
const TIME_EXTREMES = [2n ** 64n - 1n, 2n ** 63n, 2n ** 53n + 1n, 1_000_000n, 4_294_967_296_000_000n];
/** A realistic time (2023-11-14) in nanoseconds. */
export const BASE_NS = 1_700_000_000_000_000_000n;
const SCALARS = ['string', 'string', 'string', 'bool', 'int', 'double', 'bytes', 'empty'] as const;

/** A deterministic request; see GenOptions for its size. */
export function generateRequest(seed: number, options: GenOptions = {}): GenRequest {
  return new Generator(new Rng(seed), options).request();
}

class Generator {
  readonly #r: Rng;
  readonly #o: Required<GenOptions>;
  constructor(r: Rng, o: GenOptions) {
    this.#r = r;
    this.#o = { resources: 2, scopesPerResource: 0, metricsPerScope: 3, pointsPerMetric: 3, kinds: ALL_KINDS, ...o };
  }

  request(): GenRequest {
    const r = this.#r;
    const resourceMetrics = Array.from({ length: this.#o.resources }, () => {
      const scopes = this.#o.scopesPerResource || r.int(1, 2);
      const rm: ResourceMetrics = {
        resource: { attributes: this.attributes(r.int(0, 4)), ...(r.chance(0.2) ? { droppedAttributesCount: r.int(1, 9) } : {}) },
        scopeMetrics: Array.from({ length: scopes }, () => this.scopeMetrics()),
      };
      if (r.chance(0.2)) rm.schemaUrl = 'https://opentelemetry.io/schemas/1.21.0';
      return rm;
    });
    return { resourceMetrics };
  }

  scopeMetrics(): ScopeMetrics {
    const r = this.#r;
    const scope = { name: r.pick(['io.cairn.test', '', 'ünï-scope']), version: r.pick(['', '1.0.0', '2']) };
    return {
      scope: r.chance(0.2) ? { ...scope, attributes: this.attributes(2), droppedAttributesCount: 1 } : scope,
      metrics: Array.from({ length: this.#o.metricsPerScope }, () => this.metric()),
    };
  }

  metric(): Metric {
    const r = this.#r;
    const kind = r.pick(this.#o.kinds);
    const name = r.pick(NAMES);
    // Description is not part of identity; tie it to the name so duplicates agree.
    const m: Metric = { name, description: `${name} (described)`, unit: r.pick(UNITS) };
    const points: Point[] = [];
    for (let i = 0; i < this.#o.pointsPerMetric; i++) {
      const prev = points[points.length - 1];
      const attributes = prev !== undefined && r.chance(0.3) ? prev.attributes : this.attributes(r.int(0, 4));
      points.push(this.point(kind, attributes));
    }
    const temporality = r.int(1, 2);
    if (kind === 'gauge') m.gauge = { dataPoints: points };
    else if (kind === 'sum') m.sum = { dataPoints: points, aggregationTemporality: temporality, isMonotonic: r.chance(0.5) };
    else if (kind === 'histogram') m.histogram = { dataPoints: points, aggregationTemporality: temporality };
    else if (kind === 'exponential_histogram') m.exponentialHistogram = { dataPoints: points, aggregationTemporality: temporality };
    else m.summary = { dataPoints: points };
    return m;
  }

  point(kind: Kind, attributes: KeyValue[]): Point {
    const r = this.#r;
    const time = r.chance(0.05) ? r.pick(TIME_EXTREMES) : BASE_NS + BigInt(r.int(0, 2 ** 31)) * 1_000_000n + BigInt(r.int(0, 999_999));
    const p: Point = { attributes, timeUnixNano: time.toString() };
    if (r.chance(0.7)) p['startTimeUnixNano'] = (time - BigInt(r.int(0, 2 ** 30)) * 1000n).toString();
    const f = r.next();
    if (f < 0.1) p.flags = 1;
    else if (f < 0.13) p.flags = 3; // NO_RECORDED_VALUE plus an unknown bit
    else if (f < 0.16) p.flags = 2; // an unknown bit only
    const noValue = ((p.flags ?? 0) & 1) !== 0;
    if (kind !== 'summary' && r.chance(0.25)) p['exemplars'] = Array.from({ length: r.int(1, 2) }, () => this.exemplar());
    if (kind === 'gauge' || kind === 'sum') {
      if (!noValue || r.chance(0.5)) {
        if (r.chance(0.4)) p['asInt'] = r.chance(0.5) ? r.pick(INTS) : String(r.int(-1e9, 1e9));
        else p['asDouble'] = r.chance(0.7) ? Math.round((r.next() - 0.3) * 1e6) / 64 : r.pick(DOUBLES);
      }
    } else if (kind === 'histogram') this.histogram(p);
    else if (kind === 'exponential_histogram') this.expHistogram(p);
    else this.summary(p);
    return p;
  }

  histogram(p: Point): void {
    const r = this.#r;
    const mode = r.next();
    const n = r.int(0, 6);
    const bounds: number[] = [];
    let b = (r.next() - 0.5) * 100;
    for (let i = 0; i < n; i++) bounds.push((b += 0.25 + r.next() * 10));
    const counts = mode < 0.7 ? Array.from({ length: n + 1 }, () => r.int(0, 1000)) : [];
    p['explicitBounds'] = mode < 0.85 ? bounds : [];
    p['bucketCounts'] = counts.map(String);
    p['count'] = String(counts.length > 0 ? counts.reduce((a, c) => a + c, 0) : r.int(0, 5000));
    this.optionalStats(p);
  }

  expHistogram(p: Point): void {
    const r = this.#r;
    const buckets = (): { offset: number; bucketCounts: string[] } => ({
      offset: r.int(-20, 20),
      bucketCounts: Array.from({ length: r.int(0, 5) }, () => (r.chance(0.1) ? 2 ** 52 + 1 : r.int(0, 1000)).toString()),
    });
    p['scale'] = r.int(-10, 20);
    p['zeroCount'] = String(r.int(0, 100));
    if (r.chance(0.5)) p['zeroThreshold'] = r.pick([1e-9, 0.001, 2.5]);
    if (r.chance(0.8)) p['positive'] = buckets();
    if (r.chance(0.5)) p['negative'] = buckets();
    p['count'] = String(r.int(0, 100000));
    this.optionalStats(p);
  }

  summary(p: Point): void {
    const r = this.#r;
    p['count'] = String(r.int(0, 1e6));
    p['sum'] = 0.5 + r.int(0, 1e6) / 8; // never 0: see the summary-sum test
    const qs = r.shuffle([0, 0.5, 0.9, 0.99, 1]).slice(0, r.int(0, 4)).sort();
    p['quantileValues'] = qs.map((quantile) => ({ quantile, value: r.chance(0.1) ? 0 : r.int(-1000, 1000) / 4 }));
  }

  optionalStats(p: Point): void {
    const r = this.#r;
    if (r.chance(0.6)) p['sum'] = r.chance(0.1) ? 0 : r.int(-1e6, 1e6) / 16;
    if (r.chance(0.5)) p['min'] = r.int(-1000, 0) / 4;
    if (r.chance(0.5)) p['max'] = r.int(0, 1000) / 4;
  }

  exemplar(): Record<string, unknown> {
    const r = this.#r;
    return {
      filteredAttributes: this.attributes(r.int(0, 2)),
      timeUnixNano: (BASE_NS + BigInt(r.int(0, 1e9))).toString(),
      ...(r.chance(0.5) ? { asDouble: r.next() * 10 } : { asInt: String(r.int(-50, 50)) }),
      ...(r.chance(0.7) ? { spanId: r.bytes(8), traceId: r.bytes(16) } : {}),
    };
  }

  /** `n` attributes with distinct keys. */
  attributes(n: number): KeyValue[] {
    const r = this.#r;
    return r
      .shuffle(KEYS)
      .slice(0, n)
      .map((key) => (r.chance(0.03) ? { key } : { key, value: this.anyValue(0) }));
  }

  anyValue(depth: number): AnyValue {
    const r = this.#r;
    const type = depth < 3 && r.chance(0.15) ? r.pick(['array', 'kvlist'] as const) : r.pick(SCALARS);
    switch (type) {
      case 'string': return { stringValue: r.pick(STRINGS) };
      case 'bool': return { boolValue: r.chance(0.5) };
      case 'int': return { intValue: r.chance(0.6) ? r.pick(INTS) : String(r.int(-1e6, 1e6)) };
      case 'double': return { doubleValue: r.pick(DOUBLES) };
      case 'bytes': return { bytesValue: r.bytes(r.int(0, 7)) };
      case 'empty': return {};
      case 'array': return { arrayValue: { values: Array.from({ length: r.int(0, 3) }, () => this.anyValue(depth + 1)) } };
      case 'kvlist': {
        const keys = r.shuffle(KEYS).slice(0, r.int(0, 3));
        return { kvlistValue: { values: keys.map((key) => ({ key, value: this.anyValue(depth + 1) })) } };
      }
    }
  }
}
