// Per-point rejection (partial success) and the wire variations the walker must accept.
import { describe, expect, it } from 'vitest';
import { OtlpProtoDecoder } from '../../src/workers/decode/otlp-proto.js';
import { checkProto, generatedBytes, newDecoder } from '../support/differential.js';
import type { GenRequest, KeyValue, Metric, Point } from '../support/otlp-gen.js';
import { generateRequest } from '../support/otlp-gen.js';
import { gaugeRequest, pointAt, requestOf, str } from '../support/otlp-fixtures.js';
import type { ExpectedPoint } from '../support/otlp-oracle.js';
import { encodeRequest, expectedFromOracle, oracleDecode, readBatch, rowOf } from '../support/otlp-oracle.js';
import type { Field } from '../support/proto-bytes.js';
import { bytes, f, payload, rawField, rewrite, UNKNOWN_FIELDS, varint, WT } from '../support/proto-bytes.js';

/**
 * Decodes and checks that exactly the points `rejects` picks were rejected, with `message`,
 * and that every other point came through as the oracle reads it.
 */
function expectPartial(bytes: Uint8Array, rejects: (p: ExpectedPoint, i: number) => boolean, message: string, decoder = newDecoder(), label = ''): void {
  const all = expectedFromOracle(oracleDecode(bytes)).points;
  const kept = all.filter((p, i) => !rejects(p, i));
  const out = decoder.decode(bytes);
  expect({ accepted: out.accepted, rejected: out.rejected, errorMessage: out.errorMessage }, label).toEqual({
    accepted: kept.length,
    rejected: all.length - kept.length,
    errorMessage: message,
  });
  expect(readBatch(out.batch).map(rowOf), label).toEqual(kept.map(rowOf));
}

const sum = (temporality: number, dataPoints: Point[]): Metric => ({ name: 's', sum: { dataPoints, aggregationTemporality: temporality, isMonotonic: true } });
const gauge = (name: string, dataPoints: Point[]): Metric => ({ name, gauge: { dataPoints } });

describe('partial success', () => {
  it('rejects the points of metrics with an empty name and keeps the rest', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const req = generateRequest(seed, { resources: 2, metricsPerScope: 4, pointsPerMetric: 3 });
      req.resourceMetrics.forEach((rm) => rm.scopeMetrics.forEach((sm) => sm.metrics.forEach((m, i) => i % 2 === seed % 2 && (m.name = ''))));
      expectPartial(encodeRequest(req), (p) => p.series.name === '', 'metric name is empty');
    }
  });

  it('rejects a number point with no value unless it is marked NO_RECORDED_VALUE', () => {
    const req = requestOf(gauge('g', [pointAt(1, { asDouble: 1 }), pointAt(2), pointAt(3, { flags: 1 }), pointAt(4, { asInt: '5' })]));
    expectPartial(encodeRequest(req), (_, i) => i === 1, 'number data point has neither as_double nor as_int');
  });

  it('rejects histograms whose bucket_counts do not fit explicit_bounds, or whose bounds do not increase', () => {
    const h = (i: number, counts: string[], bounds: number[], flags = 0): Point => pointAt(i, { count: '3', bucketCounts: counts, explicitBounds: bounds, flags });
    const metric: Metric = {
      name: 'h',
      histogram: {
        aggregationTemporality: 1,
        dataPoints: [h(1, ['1', '2'], [1]), h(2, ['1', '1', '1'], [1]), h(3, ['1'], [1, 2]), h(4, ['1', '1', '1'], [1], 1), h(5, [], [1, 2])],
      },
    };
    expectPartial(encodeRequest(requestOf(metric)), (_, i) => i === 1 || i === 2, 'histogram has 3 bucket_counts for 1 explicit_bounds (expected 2) (and 1 other reasons)');
    const unordered = requestOf({ name: 'h', histogram: { aggregationTemporality: 2, dataPoints: [h(1, ['1', '1', '1'], [2, 1]), h(2, ['1', '1'], [NaN])] } });
    expectPartial(encodeRequest(unordered), () => true, 'histogram explicit_bounds are not strictly increasing');
  });

  it('rejects sums and histograms with temporality UNSPECIFIED, not gauges', () => {
    const points = [pointAt(1, { asDouble: 1 }), pointAt(2, { asDouble: 2 })];
    const req = requestOf(sum(0, points), gauge('g', points), { name: 'e', exponentialHistogram: { aggregationTemporality: 0, dataPoints: [pointAt(3, { count: '1' })] } });
    expectPartial(encodeRequest(req), (p) => p.series.kind !== 'gauge', 'metric aggregation_temporality 0 is not delta (1) or cumulative (2)');
    const weird = requestOf(sum(7, points), sum(2, points));
    expectPartial(encodeRequest(weird), (_, i) => i < 2, 'metric aggregation_temporality 7 is not delta (1) or cumulative (2)');
  });

  it('rejects points without time_unix_nano and summaries with a quantile outside [0, 1]', () => {
    const noTime = { ...pointAt(0, { asDouble: 1 }), timeUnixNano: '0' };
    const q = (i: number, quantile: number): Point => pointAt(i, { count: '1', sum: 4, quantileValues: [{ quantile, value: 2 }] });
    const summary: Metric = { name: 'q', summary: { dataPoints: [q(1, 1.5), q(2, 1), q(3, -0.5)] } };
    expectPartial(encodeRequest(requestOf(gauge('g', [noTime, pointAt(1, { asDouble: 2 })]))), (_, i) => i === 0, 'data point has no time_unix_nano');
    expectPartial(encodeRequest(requestOf(summary)), (_, i) => i !== 1, 'summary quantile 1.5 is outside [0, 1] (and 1 other reasons)');
  });

  it('says how many other reasons followed the first', () => {
    const req = requestOf(gauge('', [pointAt(1, { asDouble: 1 })]), gauge('g', [pointAt(2)]), sum(0, [pointAt(3, { asDouble: 1 })]), gauge('ok', [pointAt(4, { asDouble: 1 })]));
    expectPartial(encodeRequest(req), (p) => p.series.name !== 'ok', 'metric name is empty (and 2 other reasons)');
  });
});

describe('attribute limits', () => {
  const limited = (): OtlpProtoDecoder => new OtlpProtoDecoder({ maxAttributeBytes: 8, maxAttributes: 3 });
  const long = (key: string, n: number, ch = 'x'): KeyValue => str(key, ch.repeat(n));
  /** A gauge request whose resource fits the limits. */
  const request = (sets: KeyValue[][], resource: KeyValue[] = [str('svc', 'x')]): Uint8Array => {
    const req = gaugeRequest(sets);
    req.resourceMetrics[0]!.resource!.attributes = resource;
    return encodeRequest(req);
  };

  it('rejects attribute values and keys longer than maxAttributeBytes (UTF-8 bytes), at the limit accepted', () => {
    const cases: [KeyValue, string | null][] = [
      [long('v', 8), null],
      [long('v', 9), 'data point attribute "v" has a value longer than 8 bytes'],
      [long('v', 4, 'é'), null],
      [long('v', 5, 'é'), 'data point attribute "v" has a value longer than 8 bytes'],
      [long('v', 2, '🚀'), null],
      [long('v', 3, '🚀'), 'data point attribute "v" has a value longer than 8 bytes'],
      [{ key: 'arr', value: { arrayValue: { values: [{ intValue: '123' }, { intValue: '4567' }] } } }, 'data point attribute "arr" has a value longer than 8 bytes'],
      [str('k'.repeat(8), 'v'), null],
      [str('k'.repeat(9), 'v'), 'data point attribute key longer than 8 bytes'],
      [str('', 'v'), 'data point attribute with an empty key'],
    ];
    for (const [attr, message] of cases) {
      const d = limited();
      const bytes = request([[str('a', 'ok'), attr], [str('a', 'ok')]]);
      // The second round meets the series in the cache, rejection included.
      for (const round of [1, 2]) expectPartial(bytes, (_, i) => message !== null && i === 0, message ?? '', d, `${attr.key} round ${round}`);
    }
  });

  it('rejects more than maxAttributes attributes on a point or a resource, exactly the limit accepted', () => {
    const attrs = (n: number): KeyValue[] => Array.from({ length: n }, (_, i) => str(`k${i}`, 'v'));
    expectPartial(request([attrs(3), attrs(4), attrs(0)]), (_, i) => i === 1, 'data point has 4 attributes, more than the limit of 3', limited());
    expectPartial(request([attrs(1), attrs(2)], attrs(4)), () => true, 'resource has 4 attributes, more than the limit of 3', limited());
    expectPartial(request([attrs(1), attrs(2)], [long('r', 9)]), () => true, 'resource attribute "r" has a value longer than 8 bytes', limited());
  });
});

describe('wire variations', () => {
  /** Re-encodes packed repeated fields one element per field (as older encoders may send them). */
  const PACKED: Record<string, number[]> = { HistogramDataPoint: [6, 7], Buckets: [2] };
  function unpack(type: string, fields: Field[]): Field[] {
    const packed = PACKED[type] ?? [];
    return fields.flatMap((fd) => {
      if (!packed.includes(fd.field) || fd.wt !== WT.LEN) return [fd];
      const body = payload(fd);
      if (type === 'Buckets') return splitVarints(body).map((v) => rawField(f.varint(2, v)));
      return Array.from({ length: body.length / 8 }, (_, i) => ({ field: fd.field, wt: WT.I64, raw: body.subarray(8 * i, 8 * i + 8) }));
    });
  }

  function splitVarints(body: Uint8Array): bigint[] {
    const out: bigint[] = [];
    let v = 0n;
    let shift = 0n;
    for (const b of body) {
      v |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if (b < 0x80) (out.push(v), (v = 0n), (shift = 0n));
    }
    return out;
  }

  it('accepts unpacked bucket_counts, explicit_bounds and exponential bucket counts', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const packed = encodeRequest(generateRequest(seed, { kinds: ['histogram', 'exponential_histogram'], pointsPerMetric: 4 }));
      const unpacked = rewrite(packed, unpack);
      expect(unpacked.length, `seed ${seed}`).toBeGreaterThan(packed.length);
      const a = checkProto(newDecoder(), packed);
      expect(checkProto(newDecoder(), unpacked).actual).toEqual(a.actual);
    }
  });

  it('decodes a hand-built histogram point with unpacked fields', () => {
    const point = [...f.fixed64(3, 1_700_000_000_123_456_789n), ...f.fixed64(4, 6), ...f.double(5, 7.5)];
    const unpackedFields = [...f.fixed64(6, 1), ...f.double(7, 0.5), ...f.fixed64(6, 2), ...f.double(7, 2), ...f.fixed64(6, 3)];
    const metric = [...f.str(1, 'h'), ...f.len(9, f.len(1, point, unpackedFields), f.varint(2, 2))];
    const req = bytes(f.len(1, f.len(2, f.len(2, metric))));
    const out = checkProto(newDecoder(), req);
    expect(out.actual.map(rowOf)).toEqual([{ timeMs: 1_700_000_000_123, startMs: 0, value: 6, flags: 4, extra: [6, 7.5, NaN, NaN, 3, 0.5, 2, 1, 2, 3] }]);
  });

  it('skips unknown fields of every wire type (groups included) in every message', () => {
    const seen = new Set<string>();
    const inject = (type: string, fields: Field[]): Field[] => {
      seen.add(type);
      const extra = UNKNOWN_FIELDS.map(rawField);
      return [...extra, ...fields.slice(0, 1), ...extra, ...fields.slice(1), ...extra];
    };
    for (let seed = 1; seed <= 40; seed++) {
      const original = generatedBytes(seed);
      const noisy = rewrite(original, inject);
      const a = checkProto(newDecoder(), original);
      const b = checkProto(newDecoder(), noisy);
      expect(b.actual, `seed ${seed}`).toEqual(a.actual);
      expect(b.out.exemplarsDropped).toBe(a.out.exemplarsDropped);
    }
    expect([...seen].sort()).toEqual(expect.arrayContaining(['AnyValue', 'ArrayValue', 'Buckets', 'Exemplar', 'ExponentialHistogram', 'ExponentialHistogramDataPoint', 'Gauge', 'Histogram', 'HistogramDataPoint', 'KeyValue', 'KeyValueList', 'Metric', 'NumberDataPoint', 'Request', 'Resource', 'ResourceMetrics', 'Scope', 'ScopeMetrics', 'Sum', 'Summary', 'SummaryDataPoint', 'ValueAtQuantile']));
  });

  it('reads zigzag sint32 scale and offsets, and a negative enum written as a 10-byte varint', () => {
    const expPoint = [...f.fixed64(3, 2_000_000n), ...f.fixed64(4, 2), ...f.varint(6, 2 * 3 - 1 /* zigzag(-3) */), ...f.len(9, f.varint(1, 9 /* zigzag(-5) */), f.len(2, varint(1), varint(300)))];
    const metric = [...f.str(1, 'e'), ...f.len(10, f.len(1, expPoint), f.varint(2, 1))];
    const out = checkProto(newDecoder(), bytes(f.len(1, f.len(2, f.len(2, metric)))));
    expect(out.actual[0]!.extra).toEqual([2, NaN, NaN, NaN, -3, 0, 0, 0, 0, -5, 2, 1, 300]);
    const negTemporality = [...f.str(1, 's'), ...f.len(7, f.len(1, f.fixed64(3, 2_000_000n), f.double(4, 1)), f.varint(2, -1n))];
    expectPartial(bytes(f.len(1, f.len(2, f.len(2, negTemporality)))), () => true, 'metric aggregation_temporality 4294967295 is not delta (1) or cumulative (2)');
  });
});

describe('summary sum', () => {
  // Regression (was a bug in src/workers/decode/proto-points.ts): SummaryDataPoint.sum is a plain proto3 `double`
  // (no presence), so a sum of 0 is simply absent from the wire. The walker starts #sum at NaN
  // and emits [count, NaN, …] instead of [count, 0, …]. Fix: reset #sum to 0 in read() when
  // kind === 4 (summary); histograms keep NaN because their sum is `optional`.
  it('a summary whose sum is 0 (absent on the wire) has sum 0 in its payload, not NaN', () => {
    const req = requestOf({ name: 'q', summary: { dataPoints: [pointAt(1, { count: '3', sum: 0, quantileValues: [{ quantile: 0.5, value: 1 }] })] } });
    const out = newDecoder().decode(encodeRequest(req));
    expect(readBatch(out.batch)[0]!.extra).toEqual([3, 0, 1, 0.5, 1]);
  });
});

describe('exemplars', () => {
  it('counts every exemplar of every point as dropped', () => {
    const ex = { timeUnixNano: '5', asDouble: 1, traceId: new Uint8Array(16), spanId: new Uint8Array(8) };
    const req: GenRequest = requestOf(
      gauge('g', [pointAt(1, { asDouble: 1, exemplars: [ex, ex, ex] })]),
      { name: 'h', histogram: { aggregationTemporality: 2, dataPoints: [pointAt(2, { count: '1', exemplars: [ex, ex] })] } },
      { name: 'e', exponentialHistogram: { aggregationTemporality: 2, dataPoints: [pointAt(3, { count: '1', exemplars: [ex] })] } },
    );
    expect(checkProto(newDecoder(), encodeRequest(req)).out.exemplarsDropped).toBe(6);
  });
});
