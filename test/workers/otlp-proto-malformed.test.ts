// Malformed protobuf: the walker must return a result or throw DecodeError, never anything else.
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../src/workers/decode/decode-error.js';
import type { OtlpProtoDecoder } from '../../src/workers/decode/otlp-proto.js';
import { checkProto, generatedBytes, newDecoder } from '../support/differential.js';
import { Rng } from '../support/otlp-gen.js';
import { fullRequest, gaugeRequest } from '../support/otlp-fixtures.js';
import { encodeRequest, oracleDecode, readBatch } from '../support/otlp-oracle.js';
import type { Field } from '../support/proto-bytes.js';
import { bytes, f, parseFields, rewrite, tag, varint, WT } from '../support/proto-bytes.js';

type Attempt = { ok: true; accepted: number } | { ok: false; message: string };

/** Decodes; a DecodeError becomes a result, any other exception fails the test with the input. */
function attempt(decoder: OtlpProtoDecoder, input: Uint8Array): Attempt {
  try {
    return { ok: true, accepted: decoder.decode(input).accepted };
  } catch (err) {
    if (err instanceof DecodeError && err.code === 'CAIRN_ERR_DECODE') return { ok: false, message: err.message };
    throw new Error(`not a DecodeError for input ${Buffer.from(input).toString('hex')}: ${String(err)}`, { cause: err });
  }
}

function errorOf(input: Uint8Array): string {
  const r = attempt(newDecoder(), input);
  if (r.ok) throw new Error(`decoded ${r.accepted} points from input that should fail: ${Buffer.from(input).toString('hex')}`);
  return r.message;
}

/** A request around one metric's bytes: resource_metrics { scope_metrics { metrics } }. */
const wrapMetric = (...metric: number[][]): Uint8Array => bytes(f.len(1, f.len(2, f.len(2, ...metric))));
/** A gauge metric around one NumberDataPoint's bytes. */
const gaugeWith = (...point: number[][]): Uint8Array => wrapMetric(f.str(1, 'g'), f.len(5, f.len(1, f.fixed64(3, 2_000_000n), ...point)));

describe('random and mutated input', () => {
  it('survives 3000 random byte strings', () => {
    const rng = new Rng(7);
    const d = newDecoder();
    for (let i = 0; i < 3000; i++) attempt(d, rng.bytes(rng.int(0, 256)));
  });

  it('survives 3000 random nested field soups (random field numbers and wire types)', () => {
    const rng = new Rng(11);
    const soup = (depth: number): number[] => {
      const out: number[] = [];
      for (let n = rng.int(0, 6); n > 0; n--) {
        const field = rng.chance(0.9) ? rng.int(1, 14) : rng.pick([99, 0, 2 ** 29 - 1]);
        const wt = rng.chance(0.95) ? rng.pick([0, 1, 2, 2, 2, 5]) : rng.int(3, 7);
        out.push(...tag(field, wt));
        if (wt === WT.VARINT) out.push(...varint(rng.chance(0.5) ? rng.int(0, 300) : BigInt(rng.int(0, 2 ** 31)) ** 2n));
        else if (wt === WT.I64) out.push(...rng.bytes(8));
        else if (wt === WT.I32) out.push(...rng.bytes(4));
        else if (wt === WT.LEN) out.push(...f.len(1, depth < 7 && rng.chance(0.7) ? soup(depth + 1) : rng.bytes(rng.int(0, 12))).slice(1));
      }
      return out;
    };
    const d = newDecoder();
    let decoded = 0;
    for (let i = 0; i < 3000; i++) if (attempt(d, Uint8Array.from(soup(0))).ok) decoded++;
    expect(decoded).toBeGreaterThan(100); // the soup reaches past the first byte
  });

  it('fails every truncation of a valid request inside a field and accepts it at top-level boundaries', () => {
    const whole = generatedBytes(5, { resources: 3, metricsPerScope: 3, pointsPerMetric: 2 });
    const boundaries = new Set([0]);
    let at = 0;
    for (const fd of parseFields(whole)) boundaries.add((at += tag(fd.field, fd.wt).length + fd.raw.length));
    expect(boundaries.size).toBe(4);
    for (let len = 0; len <= whole.length; len++) {
      const cut = whole.subarray(0, len);
      if (boundaries.has(len)) {
        checkProto(newDecoder(), cut, undefined, `cut at ${len}`);
        continue;
      }
      const r = attempt(newDecoder(), cut);
      expect(r.ok ? 'decoded' : r.message, `cut at ${len}`).toMatch(/truncated varint|runs past the end of its message/);
    }
  });

  it('survives every single-byte flip of a valid request', () => {
    const d = newDecoder();
    for (const seed of [1, 2]) {
      const valid = generatedBytes(seed, { resources: 2, metricsPerScope: 3, pointsPerMetric: 2 });
      let failed = 0;
      for (let i = 0; i < valid.length; i++) {
        for (const mask of [0x01, 0x08, 0x80, 0xff]) {
          const bad = valid.slice();
          bad[i]! ^= mask;
          if (!attempt(d, bad).ok) failed++;
        }
      }
      expect(failed).toBeGreaterThan(valid.length / 2);
    }
  });
});

describe('structural errors name what was wrong', () => {
  const payloadFor = (wt: number): number[] => (wt === WT.VARINT ? [1] : wt === WT.I64 ? [0, 0, 0, 0, 0, 0, 0, 0] : wt === WT.I32 ? [0, 0, 0, 0] : [2, 8, 1]);
  /** Gives `field` of every `type` message the wire type `wt` (with a payload of that type). */
  const withWireType = (type: string, field: number, wt: number): Uint8Array =>
    rewrite(encodeRequest(fullRequest()), (t, fields) => (t !== type ? fields : fields.map((fd): Field => (fd.field === field ? { field, wt, raw: Uint8Array.from(payloadFor(wt)) } : fd))));

  const cases: [string, number, number, string][] = [
    ['Request', 1, WT.VARINT, 'ExportMetricsServiceRequest.resource_metrics: wire type varint, expected length-delimited'],
    ['ResourceMetrics', 1, WT.I64, 'ResourceMetrics.resource: wire type fixed64, expected length-delimited'],
    ['ResourceMetrics', 2, WT.I32, 'ResourceMetrics.scope_metrics: wire type fixed32, expected length-delimited'],
    ['ScopeMetrics', 1, WT.VARINT, 'ScopeMetrics.scope: wire type varint, expected length-delimited'],
    ['ScopeMetrics', 2, WT.I64, 'ScopeMetrics.metrics: wire type fixed64, expected length-delimited'],
    ['Metric', 1, WT.VARINT, 'Metric.name: wire type varint, expected length-delimited'],
    ['Metric', 3, WT.I64, 'Metric.unit: wire type fixed64, expected length-delimited'],
    ['Gauge', 1, WT.VARINT, 'data_points: wire type varint, expected length-delimited'],
    ['Sum', 2, WT.LEN, 'aggregation_temporality: wire type length-delimited, expected varint'],
    ['Sum', 3, WT.I64, 'is_monotonic: wire type fixed64, expected varint'],
    ['NumberDataPoint', 3, WT.VARINT, 'NumberDataPoint.time_unix_nano: wire type varint, expected fixed64'],
    ['NumberDataPoint', 2, WT.I32, 'NumberDataPoint.start_time_unix_nano: wire type fixed32, expected fixed64'],
    ['NumberDataPoint', 7, WT.I64, 'NumberDataPoint.attributes: wire type fixed64, expected length-delimited'],
    ['NumberDataPoint', 4, WT.VARINT, 'NumberDataPoint.as_double: wire type varint, expected fixed64'],
    ['NumberDataPoint', 6, WT.LEN, 'NumberDataPoint.as_int: wire type length-delimited, expected fixed64'],
    ['NumberDataPoint', 8, WT.I64, 'NumberDataPoint.flags: wire type fixed64, expected varint'],
    ['NumberDataPoint', 5, WT.VARINT, 'NumberDataPoint.exemplars: wire type varint, expected length-delimited'],
    ['HistogramDataPoint', 4, WT.VARINT, 'HistogramDataPoint.count: wire type varint, expected fixed64'],
    ['HistogramDataPoint', 6, WT.VARINT, 'HistogramDataPoint.bucket_counts: wire type varint, expected fixed64'],
    ['HistogramDataPoint', 7, WT.I32, 'HistogramDataPoint.explicit_bounds: wire type fixed32, expected fixed64'],
    ['HistogramDataPoint', 11, WT.LEN, 'HistogramDataPoint.min: wire type length-delimited, expected fixed64'],
    ['HistogramDataPoint', 9, WT.I64, 'HistogramDataPoint.attributes: wire type fixed64, expected length-delimited'],
    ['ExponentialHistogramDataPoint', 6, WT.I64, 'ExponentialHistogramDataPoint.scale: wire type fixed64, expected varint'],
    ['ExponentialHistogramDataPoint', 7, WT.VARINT, 'ExponentialHistogramDataPoint.zero_count: wire type varint, expected fixed64'],
    ['ExponentialHistogramDataPoint', 8, WT.VARINT, 'ExponentialHistogramDataPoint.positive: wire type varint, expected length-delimited'],
    ['ExponentialHistogramDataPoint', 14, WT.I32, 'ExponentialHistogramDataPoint.zero_threshold: wire type fixed32, expected fixed64'],
    ['Buckets', 1, WT.LEN, 'Buckets.offset: wire type length-delimited, expected varint'],
    ['Buckets', 2, WT.I64, 'Buckets.bucket_counts: wire type fixed64, expected varint'],
    ['SummaryDataPoint', 5, WT.I32, 'SummaryDataPoint.sum: wire type fixed32, expected fixed64'],
    ['SummaryDataPoint', 6, WT.VARINT, 'SummaryDataPoint.quantile_values: wire type varint, expected length-delimited'],
    ['ValueAtQuantile', 1, WT.VARINT, 'ValueAtQuantile.quantile: wire type varint, expected fixed64'],
    ['AnyValue', 1, WT.VARINT, 'AnyValue.string_value: wire type varint, expected length-delimited'],
    ['AnyValue', 4, WT.LEN, 'AnyValue.double_value: wire type length-delimited, expected fixed64'],
  ];
  it.each(cases)('%s field %i with wire type %i', (type, field, wt, message) => {
    expect(errorOf(withWireType(type, field, wt))).toContain(message);
  });

  it('reports lengths that run past the end of the buffer or of the enclosing message', () => {
    expect(errorOf(Uint8Array.from([0x0a, 100, 1, 2, 3]))).toContain('length 100 runs past the end of its message');
    // scope_metrics claims 10 bytes inside a 4-byte resource_metrics; the buffer itself goes on.
    const lying = bytes([0x0a, 4, 0x12, 10, 0x0a, 0], f.len(1, f.len(2)), f.len(1, f.len(2)));
    expect(errorOf(lying)).toContain('length 10 runs past the end of its message');
    // A KeyValue inside a point attribute lies about its key length (seen when strings are decoded).
    const badAttr = gaugeWith(f.len(7, [0x0a, 50, 0x61]), f.double(4, 1));
    expect(errorOf(badAttr)).toContain('length 50 runs past the end of its message');
    expect(errorOf(gaugeWith(f.fixed64(4, 0).slice(0, 5)))).toContain('truncated double');
  });

  it('rejects varints longer than 10 bytes wherever they occur', () => {
    const eleven = [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01];
    expect(errorOf(Uint8Array.from(eleven))).toContain('varint longer than 10 bytes'); // a tag
    expect(errorOf(Uint8Array.from([0x0a, ...eleven]))).toContain('varint longer than 10 bytes'); // a length
    expect(errorOf(Uint8Array.from([...tag(99, WT.VARINT), ...eleven]))).toContain('varint longer than 10 bytes'); // a skipped value
    expect(errorOf(gaugeWith([...tag(8, WT.VARINT), ...eleven], f.double(4, 1)))).toContain('varint longer than 10 bytes'); // flags
    expect(errorOf(Uint8Array.from([0x80, 0x80]))).toContain('truncated varint');
  });

  it('rejects unterminated, mismatched, stray and too deeply nested groups, and unknown wire types', () => {
    expect(errorOf(bytes(tag(99, WT.SGROUP), f.varint(1, 1)))).toContain('unterminated group for field 99');
    expect(errorOf(bytes(tag(99, WT.SGROUP), tag(98, WT.EGROUP)))).toContain('group for field 99 closed by field 98');
    expect(errorOf(bytes(tag(99, WT.EGROUP)))).toContain('wire type 4');
    const deep = bytes(...Array.from({ length: 40 }, () => tag(99, WT.SGROUP)), ...Array.from({ length: 40 }, () => tag(99, WT.EGROUP)));
    expect(errorOf(deep)).toContain('groups nested too deeply');
    expect(errorOf(bytes(tag(99, 6), [0]))).toContain('invalid wire type 6 for field 99');
    expect(errorOf(gaugeWith(tag(99, 7), f.double(4, 1)))).toContain('invalid wire type 7 for field 99');
    expect(errorOf(Uint8Array.from([0x02, 0x00]))).toContain('field number 0');
  });

  it('rejects AnyValue nesting 100 deep (arrays and kvlists) but decodes 10 levels', () => {
    const nestedArray = (depth: number): number[] => (depth === 0 ? f.varint(3, 1) : f.len(5, f.len(1, nestedArray(depth - 1))));
    const nestedKv = (depth: number): number[] => (depth === 0 ? f.str(1, 'x') : f.len(6, f.len(1, f.str(1, 'k'), f.len(2, nestedKv(depth - 1)))));
    for (const nested of [nestedArray, nestedKv]) {
      expect(errorOf(gaugeWith(f.len(7, f.str(1, 'a'), f.len(2, nested(100))), f.double(4, 1)))).toMatch(/nested deeper than \d+ levels/);
    }
    const ok = gaugeWith(f.len(7, f.str(1, 'a'), f.len(2, nestedArray(10))), f.double(4, 1));
    expect(checkProto(newDecoder(), ok).expected.points[0]!.series.attributes).toEqual([['a', `${'['.repeat(10)}1${']'.repeat(10)}`]]);
  });

  it('rejects invalid UTF-8 in strings and packed fixed64 lists of a wrong length', () => {
    expect(errorOf(wrapMetric([...tag(1, WT.LEN), 2, 0xc3, 0x28], f.len(5, f.len(1, f.fixed64(3, 2_000_000n), f.double(4, 1)))))).toContain('Metric.name is not valid UTF-8');
    expect(errorOf(gaugeWith(f.len(7, [...tag(1, WT.LEN), 1, 0xff]), f.double(4, 1)))).toContain('KeyValue.key is not valid UTF-8');
    const histogram = wrapMetric(f.str(1, 'h'), f.len(9, f.len(1, f.fixed64(3, 2_000_000n), f.len(6, [1, 2, 3, 4, 5, 6, 7])), f.varint(2, 1)));
    expect(errorOf(histogram)).toContain('HistogramDataPoint.bucket_counts: packed length is not a multiple of 8');
  });
});

describe('over-long lengths', () => {
  // Regression (was a bug in src/workers/decode/proto-reader.ts uint32, used by lenEnd): the fifth byte of a varint
  // is shifted left by 28 in 32-bit arithmetic, so bits 32+ vanish and a length prefix of
  // 2^32 + n is read as n: the walker accepts bytes that lie about their length (protobufjs
  // refuses them: "invalid length encoding"). Fix: read lengths with uint64() (exact below 2^53)
  // so that lenEnd's `stop > end` check sees the real length, and reject tags >= 2^32 in readTag.
  it('a length prefix of 2^32 + n runs past the end; it is not read as n', () => {
    const valid = encodeRequest(gaugeRequest([[]]));
    const body = valid.subarray(2);
    expect(valid[0]).toBe(0x0a);
    expect(valid[1]).toBe(body.length); // a one-byte length to replace
    expect(() => oracleDecode(bytes([0x0a], varint(2n ** 32n + BigInt(body.length)), body))).toThrow();
    expect(errorOf(bytes([0x0a], varint(2n ** 32n + BigInt(body.length)), body))).toContain('runs past the end of its message');
  });
});

describe('decoder state after a DecodeError', () => {
  // Regression (was a bug in src/workers/decode/otlp-proto.ts): decode() never resets its BatchBuilder when a request
  // throws half-way, so the points (and series) of the failed request are prepended to the next
  // request's batch. One decoder serves every request of a worker, so one malformed request makes
  // the next client's batch carry foreign points. Fix: reset the builder (pointCount, seriesCount,
  // extraLength = 0) at the start of decode(), or in a catch/finally around the walk.
  it('a request that fails half-way leaves nothing behind in the next batch', () => {
    const d = newDecoder();
    const valid = encodeRequest(gaugeRequest([[], []]));
    const expected = readBatch(newDecoder().decode(valid).batch);
    expect(attempt(d, bytes(valid, [0x0a, 100])).ok).toBe(false); // two points added, then the lie
    const out = d.decode(valid);
    expect({ accepted: out.accepted, seriesCount: out.batch.seriesCount }).toEqual({ accepted: 2, seriesCount: 1 });
    expect(readBatch(out.batch)).toEqual(expected);
  });

  it('keeps a series cache that malformed requests cannot poison', () => {
    const d = newDecoder();
    const rng = new Rng(3);
    const valid = generatedBytes(9);
    for (let i = 0; i < 1000; i++) {
      const bad = valid.slice();
      bad[rng.int(0, bad.length - 1)]! ^= 1 << rng.int(0, 7);
      attempt(d, bad);
    }
    d.decode(valid); // absorbs whatever a failed request left in the builder (see the BUG above)
    checkProto(d, valid);
  });
});
