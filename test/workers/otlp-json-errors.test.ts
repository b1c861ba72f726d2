// OTLP/JSON that cannot be decoded: DecodeError naming the JSON path of the offending value.
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../src/workers/decode/decode-error.js';
import { decodeOtlpJson } from '../../src/workers/decode/otlp-json.js';
import { newDecoder } from '../support/differential.js';
import { f } from '../support/proto-bytes.js';
import { jsonBytes } from '../support/otlp-json.js';
import { LIMITS, readBatch } from '../support/otlp-oracle.js';

const M0 = 'resourceMetrics[0].scopeMetrics[0].metrics[0]';

/** A request around one metric given as JSON text. */
const withMetric = (metric: string): string => `{"resourceMetrics":[{"scopeMetrics":[{"metrics":[${metric}]}]}]}`;
const gaugePoint = (point: string): string => withMetric(`{"name":"g","gauge":{"dataPoints":[${point}]}}`);

function jsonError(body: string): string {
  try {
    const out = decodeOtlpJson(jsonBytes(body), LIMITS);
    throw new Error(`decoded ${out.accepted} points from ${body.slice(0, 200)}`);
  } catch (err) {
    if (!(err instanceof DecodeError)) throw err;
    expect(err.code).toBe('CAIRN_ERR_DECODE');
    return err.message;
  }
}

describe('OTLP/JSON errors', () => {
  it('rejects bodies that are not JSON or not an object', () => {
    expect(jsonError('{"resourceMetrics": [')).toMatch(/^invalid JSON: /);
    expect(jsonError('')).toMatch(/^invalid JSON: /);
    expect(jsonError('\u00ff\u00fe')).toMatch(/^invalid JSON: /);
    for (const body of ['[]', '"x"', 'null', '42', 'true']) expect(jsonError(body), body).toBe('request body is not a JSON object');
  });

  it.each([
    ['timeUnixNano "abc"', gaugePoint('{"timeUnixNano":"abc","asDouble":1}'), `${M0}.gauge.dataPoints[0].timeUnixNano: expected nanoseconds since the epoch as a decimal string or number, got "abc"`],
    ['negative timeUnixNano', gaugePoint('{"timeUnixNano":-5,"asDouble":1}'), `${M0}.gauge.dataPoints[0].timeUnixNano: expected nanoseconds since the epoch`],
    ['asInt 1.5', withMetric('{"name":"s","sum":{"aggregationTemporality":1,"dataPoints":[{"timeUnixNano":"2000000","asInt":1.5}]}}'), `${M0}.sum.dataPoints[0].asInt: expected a 64-bit integer (decimal string or number), got 1.5`],
    ['asInt above int64', gaugePoint('{"timeUnixNano":"2000000","asInt":"9223372036854775808"}'), `${M0}.gauge.dataPoints[0].asInt: expected a 64-bit integer`],
    ['asDouble "one"', gaugePoint('{"timeUnixNano":"2000000","asDouble":"one"}'), `${M0}.gauge.dataPoints[0].asDouble: expected a number, got "one"`],
    ['dataPoints {}', withMetric('{"name":"g","gauge":{"dataPoints":{}}}'), `${M0}.gauge.dataPoints: expected an array, got {}`],
    ['resourceMetrics {}', '{"resourceMetrics":{}}', 'resourceMetrics: expected an array, got {}'],
    ['snake_case path', '{"resource_metrics":[{"scope_metrics":[{"metrics":[{"name":"g","gauge":{"data_points":[{"time_unix_nano":true}]}}]}]}]}', 'resource_metrics[0].scope_metrics[0].metrics[0].gauge.data_points[0].time_unix_nano: expected'],
    ['name 5', withMetric('{"name":5,"gauge":{}}'), `${M0}.name: expected a string, got 5`],
    ['gauge []', withMetric('{"name":"g","gauge":[]}'), `${M0}.gauge: expected an object, got []`],
    ['enum name unknown', withMetric('{"name":"s","sum":{"aggregationTemporality":"DELTA","dataPoints":[]}}'), `${M0}.sum.aggregationTemporality: expected an enum integer or one of AGGREGATION_TEMPORALITY_UNSPECIFIED`],
    ['isMonotonic "yes"', withMetric('{"name":"s","sum":{"aggregationTemporality":1,"isMonotonic":"yes","dataPoints":[]}}'), `${M0}.sum.isMonotonic: expected true or false, got "yes"`],
    ['count -1', withMetric('{"name":"h","histogram":{"aggregationTemporality":1,"dataPoints":[{"timeUnixNano":"2000000","count":"-1"}]}}'), `${M0}.histogram.dataPoints[0].count: expected an unsigned 64-bit integer`],
    ['bucketCounts "x"', withMetric('{"name":"h","histogram":{"aggregationTemporality":1,"dataPoints":[{"timeUnixNano":"2000000","bucketCounts":["1","x"],"explicitBounds":[1]}]}}'), `${M0}.histogram.dataPoints[0].bucketCounts[1]: expected an unsigned 64-bit integer`],
    ['explicitBounds {}', withMetric('{"name":"h","histogram":{"aggregationTemporality":1,"dataPoints":[{"timeUnixNano":"2000000","bucketCounts":["1","2"],"explicitBounds":[{}]}]}}'), `${M0}.histogram.dataPoints[0].explicitBounds[0]: expected a number`],
    ['scale above int32', withMetric('{"name":"e","exponentialHistogram":{"aggregationTemporality":1,"dataPoints":[{"timeUnixNano":"2000000","scale":2147483648}]}}'), `${M0}.exponentialHistogram.dataPoints[0].scale: expected a 32-bit integer`],
    ['flags above uint32', gaugePoint('{"timeUnixNano":"2000000","asDouble":1,"flags":4294967296}'), `${M0}.gauge.dataPoints[0].flags: expected a 32-bit unsigned integer`],
    ['intValue "1e3"', gaugePoint('{"timeUnixNano":"2000000","asDouble":1,"attributes":[{"key":"a","value":{"intValue":"1e3"}}]}'), `${M0}.gauge.dataPoints[0].attributes[0].value.intValue: expected a 64-bit integer`],
    ['bytesValue "!!"', gaugePoint('{"timeUnixNano":"2000000","asDouble":1,"attributes":[{"key":"a","value":{"bytesValue":"!!"}}]}'), `${M0}.gauge.dataPoints[0].attributes[0].value.bytesValue: expected base64 bytes`],
    ['nested boolValue 1', gaugePoint('{"timeUnixNano":"2000000","asDouble":1,"attributes":[{"key":"a","value":{"arrayValue":{"values":[{"boolValue":1}]}}}]}'), `${M0}.gauge.dataPoints[0].attributes[0].value.arrayValue.values[0].boolValue: expected true or false, got 1`],
    ['resource key 7', '{"resourceMetrics":[{"resource":{"attributes":[{"key":7}]}}]}', 'resourceMetrics[0].resource.attributes[0].key: expected a string, got 7'],
  ])('%s', (_, body, message) => {
    expect(jsonError(body)).toContain(message);
  });

  it('reads absent and null fields as their defaults', () => {
    const out = decodeOtlpJson(jsonBytes(gaugePoint('{"timeUnixNano":"2999999","startTimeUnixNano":null,"asInt":"-7","flags":null,"attributes":null}')), LIMITS);
    expect(readBatch(out.batch)).toEqual([{ local: 0, hash: expect.any(String), timeMs: 2, startMs: 0, value: -7, flags: 2, extra: [] }]);
    expect(out.definitions[0]).toMatchObject({ name: 'g', kind: 'gauge', temporality: 'unspecified', unit: '', resource: [], attributes: [] });
  });
});

describe('OTLP/JSON regressions', () => {
  // Regression (was a bug in src/workers/decode/otlp-json.ts readPoint): a summary's `sum` is a plain proto3 double,
  // so an exporter leaves it out when it is 0; the JSON decoder then stores NaN (the same bug as
  // the protobuf walker, see otlp-proto-rejects.test.ts). Fix: `p.has('sum') ? p.double('sum') : 0`
  // when kindCode === 4.
  it('a summary without sum (i.e. sum 0) has sum 0 in its payload', () => {
    const out = decodeOtlpJson(jsonBytes(withMetric('{"name":"q","summary":{"dataPoints":[{"timeUnixNano":"2000000","count":"3"}]}}')), LIMITS);
    expect(readBatch(out.batch)[0]!.extra).toEqual([3, 0, 0]);
  });

  const nested = (depth: number): string => `${'{"arrayValue":{"values":['.repeat(depth)}{"intValue":"1"}${']}}'.repeat(depth)}`;
  const deepBody = (depth: number): string => gaugePoint(`{"timeUnixNano":"2000000","asDouble":1,"attributes":[{"key":"a","value":${nested(depth)}}]}`);
  const nestedProto = (depth: number): number[] => (depth === 0 ? f.varint(3, 1) : f.len(5, f.len(1, nestedProto(depth - 1))));

  // Regression (was a bug in src/workers/decode/otlp-json.ts anyValue): AnyValue nesting has no depth limit in JSON.
  // The protobuf path rejects more than 16 levels with a DecodeError, so the same request is
  // accepted as JSON and refused as protobuf; and a ~140 KB body nested 5000 deep overflows the
  // stack with a RangeError, which the decode worker reports as an internal error instead of an
  // invalid request. Fix: pass a depth to anyValue() and throw DecodeError past 16 levels, like
  // readAnyValue in proto-definition.ts (message "attribute value nested deeper than 16 levels").
  it('refuses AnyValue nesting 100 deep, as the protobuf decoder does', () => {
    const proto = Uint8Array.from([...f.len(1, f.len(2, f.len(2, f.str(1, 'g'), f.len(5, f.len(1, f.fixed64(3, 2_000_000n), f.double(4, 1), f.len(7, f.str(1, 'a'), f.len(2, nestedProto(100))))))))]);
    expect(() => newDecoder().decode(proto)).toThrow(/nested deeper than 16 levels/);
    expect(jsonError(deepBody(100))).toMatch(/nested deeper than 16 levels/);
  });

  it('throws DecodeError, not RangeError, for AnyValue nesting 5000 deep', () => {
    expect(jsonError(deepBody(5000))).toMatch(/nested deeper than/);
  });
});
