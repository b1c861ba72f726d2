import type { SeriesDefinition } from '../../model/index.js';
import { BatchBuilder, PointFlag, seriesKey, TEMPORALITY_BY_WIRE } from '../../model/index.js';
import type { AnyValue } from './any-value.js';
import { renderAnyValue } from './any-value.js';
import { DecodeError } from './decode-error.js';
import type { DecodeOutcome } from './otlp-proto.js';
import { KIND_CODES, MAX_ANY_VALUE_DEPTH } from './proto-definition.js';
import type { AttributeLimits, IdentityResult, SeriesParts } from '../../model/index.js';
import { identify } from '../../model/index.js';
import { JsonCursor } from './json-cursor.js';
import type { DecodeLimits } from './decode-limits.js';
import { DEFAULT_DECODE_CAPS } from './decode-limits.js';

/** JSON names of each kind's field in Metric, by kind code. */
const KIND_FIELDS = ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'] as const;
const TEMPORALITY_NAMES: Record<string, number> = {
  AGGREGATION_TEMPORALITY_UNSPECIFIED: 0,
  AGGREGATION_TEMPORALITY_DELTA: 1,
  AGGREGATION_TEMPORALITY_CUMULATIVE: 2,
};

/** Identities by raw JSON context and attributes, kept by a worker across requests. */
export type IdentityCache = Map<string, IdentityResult>;
const MAX_CACHED_IDENTITIES = 1 << 18;

export interface JsonDecodeOutcome extends DecodeOutcome {
  readonly definitions: SeriesDefinition[];
}

/**
 * Decodes an OTLP/JSON ExportMetricsServiceRequest (lowerCamelCase keys, snake_case accepted,
 * int64 as strings or numbers, enums as integers or names, unknown fields ignored) into the
 * same batch form as the protobuf walker, with the same series identities.
 */
export function decodeOtlpJson(bytes: Uint8Array, limits: AttributeLimits & Partial<DecodeLimits>, cache: IdentityCache = new Map(), known: (hashHi: number, hashLo: number) => boolean = () => false): JsonDecodeOutcome {
  const caps = { ...DEFAULT_DECODE_CAPS, ...limits };
  let newSeries = 0;
  let root: unknown;
  try {
    root = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch (err) {
    throw new DecodeError(`invalid JSON: ${(err as Error).message}`);
  }
  const builder = new BatchBuilder();
  const definitions: SeriesDefinition[] = [];
  const locals = new Map<number, number>();
  const reasons: string[] = [];
  let rejected = 0;
  let exemplars = 0;
  const reject = (why: string): void => {
    rejected++;
    if (reasons.length < 8 && !reasons.includes(why)) reasons.push(why);
  };

  const req = JsonCursor.root(root);
  for (const rm of req.list('resourceMetrics', 'resource_metrics')) {
    const resource = attributes(rm.obj('resource').list('attributes'));
    const resourceKey = attributesKey(rm.obj('resource').raw('attributes'));
    for (const sm of rm.list('scopeMetrics', 'scope_metrics')) {
      const scope = sm.obj('scope');
      const scopeName = scope.str('name');
      const scopeVersion = scope.str('version');
      const scopeKey = `${resourceKey}\u0003${scopeName}\u0003${scopeVersion}`;
      for (const m of sm.list('metrics')) {
        const kindCode = KIND_FIELDS.findLastIndex((k) => m.has(k, snake(k)));
        if (kindCode < 0) continue;
        const data = m.obj(KIND_FIELDS[kindCode]!, snake(KIND_FIELDS[kindCode]!));
        const temporality = kindCode >= 1 && kindCode <= 3 ? data.enumValue(TEMPORALITY_NAMES, 'aggregationTemporality', 'aggregation_temporality') : 0;
        const base = {
          name: m.str('name'),
          kind: KIND_CODES[kindCode]!,
          temporality: TEMPORALITY_BY_WIRE[temporality] ?? 'unspecified',
          monotonic: kindCode === 1 && data.bool('isMonotonic', 'is_monotonic'),
          unit: m.str('unit'),
          description: m.str('description'),
          resource,
          scopeName,
          scopeVersion,
        } as const;
        const metricError =
          base.name === '' ? 'metric name is empty'
          : kindCode >= 1 && kindCode <= 3 && temporality !== 1 && temporality !== 2 ? `metric aggregation_temporality ${temporality} is not delta (1) or cumulative (2)`
          : null;
        const context = `${scopeKey}\u0003${base.name}\u0003${base.unit}\u0003${kindCode}${temporality}${base.monotonic ? 1 : 0}`;
        for (const p of data.list('dataPoints', 'data_points')) {
          exemplars += p.list('exemplars').length;
          if (metricError !== null) {
            reject(metricError);
            continue;
          }
          // Identity depends only on the context and the raw attributes: decode them once.
          const cacheKey = `${context}\u0000${attributesKey(p.raw('attributes'))}`;
          let id = cache.get(cacheKey);
          if (id === undefined) {
            const parts: SeriesParts = { ...base, attributes: attributes(p.list('attributes')) };
            id = identify(parts, limits);
            if (cache.size >= MAX_CACHED_IDENTITIES) cache.clear();
            cache.set(cacheKey, id);
          }
          const def = id.ok ? id.def : undefined;
          if (def === undefined) {
            reject((id as { error: string }).error);
            continue;
          }
          const problem = readPoint(p, kindCode, builder, caps.maxBucketsPerPoint, (storeSeries) => {
            const key = seriesKey(def.hashHi, def.hashLo);
            let local = locals.get(key);
            if (local === undefined) {
              // A series the store does not have takes what it makes there from the request's allowance.
              if (!known(def.hashHi, def.hashLo)) {
                if (newSeries + storeSeries > caps.maxNewSeriesPerRequest) return `the request creates more than limits.max_new_series_per_request (${caps.maxNewSeriesPerRequest}) series`;
                newSeries += storeSeries;
              }
              local = builder.addSeries(def.hashHi, def.hashLo);
              locals.set(key, local);
              definitions.push(def);
            }
            return local;
          });
          if (problem !== null) reject(problem);
        }
      }
    }
  }
  const batch = builder.finish();
  const more = reasons.length - 1;
  return {
    batch,
    sources: new Uint32Array(0),
    series: definitions.map((def) => ({ ref: -1, def })),
    definitions,
    accepted: batch.pointCount,
    rejected,
    errorMessage: more > 0 ? `${reasons[0]} (and ${more} other reasons)` : (reasons[0] ?? ''),
    exemplarsDropped: exemplars,
  };
}

/** A cheap exact key for a raw JSON attribute list (string values, the common case, unserialized). */
function attributesKey(list: unknown): string {
  try {
    return rawAttributesKey(list);
  } catch {
    // JSON.stringify overflows the stack on absurd nesting; decoding would refuse it anyway.
    throw new DecodeError(`attribute value nested deeper than ${MAX_ANY_VALUE_DEPTH} levels`);
  }
}

function rawAttributesKey(list: unknown): string {
  if (!Array.isArray(list)) return JSON.stringify(list);
  let key = '';
  for (const kv of list as { key?: unknown; value?: { stringValue?: unknown } }[]) {
    const v = kv?.value;
    // JSON-quoted parts keep the key unambiguous whatever characters the strings hold.
    key += typeof v?.stringValue === 'string' ? `${JSON.stringify(kv.key)}:${JSON.stringify(v.stringValue)},` : `${JSON.stringify(kv)},`;
  }
  return key;
}

function snake(camel: string): string {
  return camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function attributes(list: readonly JsonCursor[]): [string, string][] {
  return list.map((kv) => [kv.str('key'), renderAnyValue(anyValue(kv.obj('value')))]);
}

function anyValue(v: JsonCursor, depth = 0): AnyValue {
  if (depth > MAX_ANY_VALUE_DEPTH) throw new DecodeError(`${v.path}: attribute value nested deeper than ${MAX_ANY_VALUE_DEPTH} levels`);
  if (v.has('stringValue', 'string_value')) return { kind: 'string', v: v.str('stringValue', 'string_value') };
  if (v.has('boolValue', 'bool_value')) return { kind: 'bool', v: v.bool('boolValue', 'bool_value') };
  if (v.has('intValue', 'int_value')) return { kind: 'int', v: v.int64('intValue', 'int_value') };
  if (v.has('doubleValue', 'double_value')) return { kind: 'double', v: v.double('doubleValue', 'double_value') };
  if (v.has('bytesValue', 'bytes_value')) return { kind: 'bytes', v: v.bytes('bytesValue', 'bytes_value') };
  if (v.has('arrayValue', 'array_value')) {
    return { kind: 'array', v: v.obj('arrayValue', 'array_value').list('values').map((item) => anyValue(item, depth + 1)) };
  }
  if (v.has('kvlistValue', 'kvlist_value')) {
    const pairs = v.obj('kvlistValue', 'kvlist_value').list('values');
    return { kind: 'kvlist', v: pairs.map((kv) => [kv.str('key'), anyValue(kv.obj('value'), depth + 1)] as const) };
  }
  return { kind: 'empty' };
}

/**
 * Appends one point, asking for its series' local index (given the series it makes in the
 * store) only if valid; returns why it was rejected, or null.
 */
function readPoint(p: JsonCursor, kindCode: number, b: BatchBuilder, maxBuckets: number, local: (storeSeries: number) => number | string): string | null {
  const time = p.nanosToMillis('timeUnixNano', 'time_unix_nano');
  const start = p.nanosToMillis('startTimeUnixNano', 'start_time_unix_nano');
  const flags = p.uint('flags');
  // 0 (or absent) means unset; 1-999,999 ns is a real (if odd) time: 0 ms.
  if (time === 0 && !p.nonZero('timeUnixNano', 'time_unix_nano')) return 'data point has no time_unix_nano';
  const add = (storeSeries: number, value: number, pointFlags: number): string | null => {
    const l = local(storeSeries);
    if (typeof l === 'string') return l;
    b.addPoint(l, start, time, value, pointFlags);
    return null;
  };
  if ((flags & PointFlag.NO_RECORDED_VALUE) !== 0) return add(1, NaN, PointFlag.NO_RECORDED_VALUE);
  if (kindCode <= 1) {
    if (p.has('asDouble', 'as_double')) {
      const v = p.double('asDouble', 'as_double');
      // Any NaN sent as a value is a plain NaN: only NO_RECORDED_VALUE makes a stale marker.
      return add(1, v === v ? v : NaN, 0);
    }
    if (p.has('asInt', 'as_int')) return add(1, Number(p.int64('asInt', 'as_int')), PointFlag.INT);
    return 'number data point has neither as_double nor as_int';
  }
  const count = p.uint64('count');
  const sum = p.has('sum') ? p.double('sum') : kindCode === 4 ? 0 : NaN;
  const extra: number[] = [count, sum];
  const buckets = bucketCount(p, kindCode);
  if (buckets > maxBuckets) return `${kindCode === 4 ? 'summary has' : 'histogram has'} ${buckets} ${kindCode === 4 ? 'quantiles' : 'buckets'}, more than limits.max_buckets_per_point (${maxBuckets})`;
  if (kindCode === 2) {
    const bounds = p.list('explicitBounds', 'explicit_bounds').map((c) => c.asDouble());
    const counts = p.list('bucketCounts', 'bucket_counts').map((c) => c.asUint64());
    if (counts.length !== 0 && counts.length !== bounds.length + 1) {
      return `histogram has ${counts.length} bucket_counts for ${bounds.length} explicit_bounds (expected ${bounds.length + 1})`;
    }
    if (bounds.some((x, i) => Number.isNaN(x) || (i > 0 && !(x > bounds[i - 1]!)))) return 'histogram explicit_bounds are not strictly increasing';
    extra.push(optDouble(p, 'min'), optDouble(p, 'max'), counts.length);
    if (counts.length > 0) for (const x of bounds) extra.push(x);
    for (const x of counts) extra.push(x);
  } else if (kindCode === 3) {
    extra.push(optDouble(p, 'min'), optDouble(p, 'max'), p.int('scale'), p.uint64('zeroCount', 'zero_count'));
    extra.push(p.has('zeroThreshold', 'zero_threshold') ? p.double('zeroThreshold', 'zero_threshold') : 0);
    for (const side of [p.obj('positive'), p.obj('negative')]) {
      const counts = side.list('bucketCounts', 'bucket_counts').map((c) => c.asUint64());
      extra.push(side.int('offset'), counts.length);
      for (const x of counts) extra.push(x);
    }
  } else {
    const qs = p.list('quantileValues', 'quantile_values');
    extra.push(qs.length);
    for (const q of qs) {
      const quantile = q.has('quantile') ? q.double('quantile') : 0;
      if (!(quantile >= 0 && quantile <= 1)) return `summary quantile ${quantile} is outside [0, 1]`;
      extra.push(quantile, q.has('value') ? q.double('value') : 0);
    }
  }
  const l = local(kindCode === 3 ? 2 : buckets + 2);
  if (typeof l === 'string') return l;
  const offset = b.beginExtra();
  for (const v of extra) b.pushExtra(v);
  b.addPoint(l, start, time, count, PointFlag.COMPOUND);
  b.setExtraOffset(b.pointCount - 1, offset);
  return null;
}

/** Buckets of a histogram point (explicit bounds + 1, or positive + negative), or quantiles of a summary. */
function bucketCount(p: JsonCursor, kindCode: number): number {
  if (kindCode === 2) return Math.max(p.list('bucketCounts', 'bucket_counts').length, p.list('explicitBounds', 'explicit_bounds').length + 1);
  if (kindCode === 3) return p.obj('positive').list('bucketCounts', 'bucket_counts').length + p.obj('negative').list('bucketCounts', 'bucket_counts').length;
  return p.list('quantileValues', 'quantile_values').length;
}

function optDouble(p: JsonCursor, key: string): number {
  return p.has(key) ? p.double(key) : NaN;
}
