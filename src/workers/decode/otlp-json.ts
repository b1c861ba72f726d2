import type { SeriesDefinition } from '../../model/index.js';
import { BatchBuilder, PointFlag, seriesKey, TEMPORALITY_BY_WIRE } from '../../model/index.js';
import type { AnyValue } from './any-value.js';
import { renderAnyValue } from './any-value.js';
import { DecodeError } from './decode-error.js';
import type { DecodeOutcome } from './otlp-proto.js';
import { KIND_CODES, MAX_ANY_VALUE_DEPTH } from './proto-definition.js';
import type { AttributeLimits, SeriesParts } from '../../model/index.js';
import type { Identified } from './series-identifier.js';
import { SeriesIdentifier } from './series-identifier.js';
import { NewSeriesGate } from './series-admission.js';
import { RequestTally } from './request-tally.js';
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
export type IdentityCache = Map<string, Identified>;
const MAX_CACHED_IDENTITIES = 1 << 18;

export interface JsonDecodeOutcome extends DecodeOutcome {
  readonly definitions: SeriesDefinition[];
}

/**
 * Decodes an OTLP/JSON ExportMetricsServiceRequest (lowerCamelCase keys, snake_case accepted,
 * int64 as strings or numbers, enums as integers or names, unknown fields ignored) into the
 * same batch form as the protobuf walker, with the same series identities.
 */
export function decodeOtlpJson(
  bytes: Uint8Array,
  limits: AttributeLimits & Partial<DecodeLimits>,
  cache: IdentityCache = new Map(),
  known: (hashHi: number, hashLo: number) => boolean = () => false,
  identifier: SeriesIdentifier = new SeriesIdentifier({ ...DEFAULT_DECODE_CAPS, ...limits }, null),
  gate: NewSeriesGate = new NewSeriesGate(),
  /** Told what the point columns grow by before they do (the in-flight budget); may throw. */
  meter: ((bytes: number) => void) | null = null,
): JsonDecodeOutcome {
  const caps = { ...DEFAULT_DECODE_CAPS, ...limits };
  const tally = new RequestTally(identifier.processors?.size ?? 0);
  gate.begin(Date.now());
  let root: unknown;
  try {
    root = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch (err) {
    throw new DecodeError(`invalid JSON: ${(err as Error).message}`);
  }
  const builder = new BatchBuilder();
  builder.meter = meter;
  const definitions: SeriesDefinition[] = [];
  const locals = new Map<number, number>();
  let exemplars = 0;

  const req = JsonCursor.root(root);
  for (const rm of req.items('resourceMetrics', 'resource_metrics')) {
    const resource = attributes(rm.obj('resource').items('attributes'));
    const resourceKey = attributesKey(rm.obj('resource').raw('attributes'));
    for (const sm of rm.items('scopeMetrics', 'scope_metrics')) {
      const scope = sm.obj('scope');
      const scopeName = scope.str('name');
      const scopeVersion = scope.str('version');
      const scopeKey = `${resourceKey}\u0003${scopeName}\u0003${scopeVersion}`;
      for (const m of sm.items('metrics')) {
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
        for (const p of data.items('dataPoints', 'data_points')) {
          exemplars += p.count('exemplars');
          if (metricError !== null) {
            tally.reject(metricError);
            continue;
          }
          // Identity depends only on the context and the raw attributes: decode them once.
          const cacheKey = `${context}\u0000${attributesKey(p.raw('attributes'))}`;
          let id = cache.get(cacheKey);
          if (id === undefined) {
            const parts: SeriesParts = { ...base, resource: [...resource], attributes: attributes(p.items('attributes')) };
            id = identifier.identify(parts);
            if (cache.size >= MAX_CACHED_IDENTITIES) cache.clear();
            cache.set(cacheKey, id);
          }
          if (id.kind === 'drop') {
            tally.ruleCounts[id.rule]!++;
            continue;
          }
          if (id.kind === 'error') {
            tally.reject(id.error, id.limit);
            continue;
          }
          const def = id.def;
          const problem = readPoint(p, kindCode, builder, caps.maxBucketsPerPoint, (storeSeries) => {
            const key = seriesKey(def.hashHi, def.hashLo);
            let local = locals.get(key);
            if (local === undefined) {
              // A series the store does not have takes what it makes there from the request's allowance and the limits.
              if (!known(def.hashHi, def.hashLo)) {
                const refusal = gate.admit(def.hashHi, def.hashLo, def.name, storeSeries, caps.maxNewSeriesPerRequest);
                if (refusal !== null) {
                  // Not remembered: a flood of refused series must not fill this worker's memory.
                  cache.delete(cacheKey);
                  return refusal;
                }
              }
              local = builder.addSeries(def.hashHi, def.hashLo);
              locals.set(key, local);
              definitions.push(def);
            }
            return local;
          });
          if (problem !== null) tally.reject(problem.message, problem.limit);
          else for (const rule of id.hits) tally.ruleCounts[rule]!++;
        }
      }
    }
  }
  const batch = builder.finish();
  return {
    batch,
    sources: new Uint32Array(0),
    series: definitions.map((def) => ({ ref: -1, def })),
    definitions,
    accepted: batch.pointCount,
    rejected: tally.rejected,
    errorMessage: tally.errorMessage,
    exemplarsDropped: exemplars,
    ruleCounts: tally.ruleCounts,
    limitRefusals: tally.limitRefusals,
    reservations: gate.reservations,
    minute: gate.minute,
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

function attributes(list: Iterable<JsonCursor>): [string, string][] {
  const out: [string, string][] = [];
  for (const kv of list) out.push([kv.str('key'), renderAnyValue(anyValue(kv.obj('value')))]);
  return out;
}

function anyValue(v: JsonCursor, depth = 0): AnyValue {
  if (depth > MAX_ANY_VALUE_DEPTH) throw new DecodeError(`${v.path}: attribute value nested deeper than ${MAX_ANY_VALUE_DEPTH} levels`);
  if (v.has('stringValue', 'string_value')) return { kind: 'string', v: v.str('stringValue', 'string_value') };
  if (v.has('boolValue', 'bool_value')) return { kind: 'bool', v: v.bool('boolValue', 'bool_value') };
  if (v.has('intValue', 'int_value')) return { kind: 'int', v: v.int64('intValue', 'int_value') };
  if (v.has('doubleValue', 'double_value')) return { kind: 'double', v: v.double('doubleValue', 'double_value') };
  if (v.has('bytesValue', 'bytes_value')) return { kind: 'bytes', v: v.bytes('bytesValue', 'bytes_value') };
  if (v.has('arrayValue', 'array_value')) {
    return { kind: 'array', v: [...v.obj('arrayValue', 'array_value').items('values')].map((item) => anyValue(item, depth + 1)) };
  }
  if (v.has('kvlistValue', 'kvlist_value')) {
    const pairs = [...v.obj('kvlistValue', 'kvlist_value').items('values')];
    return { kind: 'kvlist', v: pairs.map((kv) => [kv.str('key'), anyValue(kv.obj('value'), depth + 1)] as const) };
  }
  return { kind: 'empty' };
}

/**
 * Appends one point, asking for its series' local index (given the series it makes in the
 * store) only if valid; returns why it was rejected, or null.
 */
type Problem = { readonly message: string; readonly limit: string };
const problemOf = (message: string): Problem => ({ message, limit: '' });

function readPoint(p: JsonCursor, kindCode: number, b: BatchBuilder, maxBuckets: number, local: (storeSeries: number) => number | Problem): Problem | null {
  const time = p.nanosToMillis('timeUnixNano', 'time_unix_nano');
  const start = p.nanosToMillis('startTimeUnixNano', 'start_time_unix_nano');
  const flags = p.uint('flags');
  // 0 (or absent) means unset; 1-999,999 ns is a real (if odd) time: 0 ms.
  if (time === 0 && !p.nonZero('timeUnixNano', 'time_unix_nano')) return problemOf('data point has no time_unix_nano');
  const add = (storeSeries: number, value: number, pointFlags: number): Problem | null => {
    const l = local(storeSeries);
    if (typeof l !== 'number') return l;
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
    return problemOf('number data point has neither as_double nor as_int');
  }
  const count = p.uint64('count');
  const sum = p.has('sum') ? p.double('sum') : kindCode === 4 ? 0 : NaN;
  const extra: number[] = [count, sum];
  const buckets = bucketCount(p, kindCode);
  if (buckets > maxBuckets) return { message: `${kindCode === 4 ? 'summary has' : 'histogram has'} ${buckets} ${kindCode === 4 ? 'quantiles' : 'buckets'}, more than limits.max_buckets_per_point (${maxBuckets})`, limit: 'max_buckets_per_point' };
  if (kindCode === 2) {
    const bounds = p.doubles('explicitBounds', 'explicit_bounds');
    const counts = p.uint64s('bucketCounts', 'bucket_counts');
    if (counts.length !== 0 && counts.length !== bounds.length + 1) {
      return problemOf(`histogram has ${counts.length} bucket_counts for ${bounds.length} explicit_bounds (expected ${bounds.length + 1})`);
    }
    if (bounds.some((x, i) => Number.isNaN(x) || (i > 0 && !(x > bounds[i - 1]!)))) return problemOf('histogram explicit_bounds are not strictly increasing');
    extra.push(optDouble(p, 'min'), optDouble(p, 'max'), counts.length);
    if (counts.length > 0) for (const x of bounds) extra.push(x);
    for (const x of counts) extra.push(x);
  } else if (kindCode === 3) {
    extra.push(optDouble(p, 'min'), optDouble(p, 'max'), p.int('scale'), p.uint64('zeroCount', 'zero_count'));
    extra.push(p.has('zeroThreshold', 'zero_threshold') ? p.double('zeroThreshold', 'zero_threshold') : 0);
    for (const side of [p.obj('positive'), p.obj('negative')]) {
      const counts = side.uint64s('bucketCounts', 'bucket_counts');
      extra.push(side.int('offset'), counts.length);
      for (const x of counts) extra.push(x);
    }
  } else {
    const qs = [...p.items('quantileValues', 'quantile_values')];
    extra.push(qs.length);
    for (const q of qs) {
      const quantile = q.has('quantile') ? q.double('quantile') : 0;
      if (!(quantile >= 0 && quantile <= 1)) return problemOf(`summary quantile ${quantile} is outside [0, 1]`);
      extra.push(quantile, q.has('value') ? q.double('value') : 0);
    }
  }
  const l = local(kindCode === 3 ? 2 : buckets + 2);
  if (typeof l !== 'number') return l;
  const offset = b.beginExtra();
  for (const v of extra) b.pushExtra(v);
  b.addPoint(l, start, time, count, PointFlag.COMPOUND);
  b.setExtraOffset(b.pointCount - 1, offset);
  return null;
}

/** Buckets of a histogram point (explicit bounds + 1, or positive + negative), or quantiles of a summary. */
function bucketCount(p: JsonCursor, kindCode: number): number {
  if (kindCode === 2) return Math.max(p.count('bucketCounts', 'bucket_counts'), p.count('explicitBounds', 'explicit_bounds') + 1);
  if (kindCode === 3) return p.obj('positive').count('bucketCounts', 'bucket_counts') + p.obj('negative').count('bucketCounts', 'bucket_counts');
  return p.count('quantileValues', 'quantile_values');
}

function optDouble(p: JsonCursor, key: string): number {
  return p.has(key) ? p.double(key) : NaN;
}
