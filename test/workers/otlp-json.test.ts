// OTLP/JSON must decode to the same batch and the same series identities as protobuf.
import { describe, expect, it } from 'vitest';
import type { JsonDecodeOutcome } from '../../src/workers/decode/otlp-json.js';
import { decodeOtlpJson } from '../../src/workers/decode/otlp-json.js';
import { OtlpProtoDecoder } from '../../src/workers/decode/otlp-proto.js';
import type { ProtoRun } from '../support/differential.js';
import { checkProto, newDecoder, optionsFor, seriesOf } from '../support/differential.js';
import type { GenRequest } from '../support/otlp-gen.js';
import { ALL_KINDS, generateRequest } from '../support/otlp-gen.js';
import { int64AsNumbers, jsonBytes, midMillisecond, snakeKeys, toOtlpJson, withUnknownFields } from '../support/otlp-json.js';
import { canonical, encodeRequest, IdentityLedger, LIMITS, readBatch } from '../support/otlp-oracle.js';

type JsonForm = Parameters<typeof jsonBytes>[0];

/** Decodes `json` and checks it against the protobuf decode of the same request. */
function expectSameAsProto(json: JsonForm, proto: ProtoRun, label: string): JsonDecodeOutcome {
  const out = decodeOtlpJson(jsonBytes(json), LIMITS);
  const counters = (o: JsonDecodeOutcome | ProtoRun['out']): unknown => ({ accepted: o.accepted, rejected: o.rejected, errorMessage: o.errorMessage, exemplars: o.exemplarsDropped, series: o.batch.seriesCount });
  expect(counters(out), label).toEqual(counters(proto.out));
  expect(readBatch(out.batch), `${label} points`).toEqual(proto.actual);
  expect(out.sources.length).toBe(0);
  expect(out.definitions.length, `${label} definitions`).toBe(out.batch.seriesCount);
  out.definitions.forEach((def, local) => {
    const fromProto = seriesOf(proto.bytes, proto.out, local);
    const { hashHi, hashLo, ...rest } = def;
    expect({ ...rest, resource: canonical(def.resource), attributes: canonical(def.attributes) }, `${label} series ${local}`).toEqual(fromProto);
    expect([hashHi, hashLo]).toEqual([proto.out.batch.seriesHashes[2 * local], proto.out.batch.seriesHashes[2 * local + 1]]);
  });
  return out;
}

const protoRun = (req: GenRequest): ProtoRun => checkProto(newDecoder(), encodeRequest(req));

describe('decodeOtlpJson against the protobuf decoder', () => {
  it('decodes 150 generated requests to the same points, payloads, series and hashes', () => {
    const ledger = new IdentityLedger();
    let points = 0;
    for (let seed = 1; seed <= 150; seed++) {
      const req = generateRequest(seed, optionsFor(seed));
      const proto = checkProto(newDecoder(), encodeRequest(req), ledger);
      const out = expectSameAsProto(toOtlpJson(req), proto, `seed ${seed}`);
      points += out.accepted;
    }
    expect(points).toBeGreaterThan(2000);
  });

  it('decodes every kind on its own', () => {
    for (const kind of ALL_KINDS) {
      for (let seed = 500; seed < 510; seed++) {
        const req = generateRequest(seed, { kinds: [kind], pointsPerMetric: 6 });
        expectSameAsProto(toOtlpJson(req), protoRun(req), `${kind} ${seed}`);
      }
    }
  });

  it('accepts int64 fields as JSON numbers as well as strings', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const req = midMillisecond(generateRequest(seed, optionsFor(seed)));
      const numeric = JSON.stringify(int64AsNumbers(toOtlpJson(req)));
      expect(numeric).toMatch(/"timeUnixNano":\d/);
      expectSameAsProto(numeric, protoRun(req), `seed ${seed}`);
    }
  });

  it('accepts snake_case keys, unknown fields and enum names', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const req = generateRequest(seed, optionsFor(seed));
      const proto = protoRun(req);
      const snake = JSON.stringify(snakeKeys(toOtlpJson(req)));
      expect(snake).toContain('"resource_metrics"');
      expectSameAsProto(snake, proto, `snake ${seed}`);
      expectSameAsProto(withUnknownFields(toOtlpJson(req)), proto, `unknown ${seed}`);
      const named = JSON.stringify(toOtlpJson(req, 'name'));
      if (/"aggregationTemporality":\d/.test(JSON.stringify(toOtlpJson(req)))) expect(named).toMatch(/"AGGREGATION_TEMPORALITY_(DELTA|CUMULATIVE)"/);
      expectSameAsProto(named, proto, `enum names ${seed}`);
    }
  });

  it('rejects the same points with the same reasons as protobuf', () => {
    const totals = { accepted: 0, rejected: 0 };
    for (let seed = 1; seed <= 40; seed++) {
      const req = generateRequest(seed, optionsFor(seed));
      req.resourceMetrics.forEach((rm) =>
        rm.scopeMetrics.forEach((sm) =>
          sm.metrics.forEach((m, i) => {
            if (i % 3 === 1) m.name = '';
            if (i % 3 === 2 && m.sum) m.sum.aggregationTemporality = 0;
            if (m.histogram) m.histogram.dataPoints.forEach((p) => (p['explicitBounds'] as number[]).push(1e308));
          }),
        ),
      );
      const bytes = encodeRequest(req);
      const proto = newDecoder().decode(bytes);
      const json = decodeOtlpJson(jsonBytes(toOtlpJson(req)), LIMITS);
      expect({ a: json.accepted, r: json.rejected, m: json.errorMessage, x: json.exemplarsDropped }, `seed ${seed}`).toEqual({ a: proto.accepted, r: proto.rejected, m: proto.errorMessage, x: proto.exemplarsDropped });
      expect(readBatch(json.batch)).toEqual(readBatch(proto.batch));
      totals.accepted += json.accepted;
      totals.rejected += json.rejected;
    }
    expect(totals.accepted).toBeGreaterThan(200);
    expect(totals.rejected).toBeGreaterThan(200);
  });

  it('applies the attribute limits like protobuf', () => {
    const limits = { maxAttributeBytes: 6, maxAttributes: 2 };
    const totals = { accepted: 0, rejected: 0 };
    for (let seed = 1; seed <= 30; seed++) {
      const req = generateRequest(seed, optionsFor(seed));
      const proto = new OtlpProtoDecoder(limits).decode(encodeRequest(req));
      const json = decodeOtlpJson(jsonBytes(toOtlpJson(req)), limits);
      expect({ a: json.accepted, r: json.rejected, m: json.errorMessage }, `seed ${seed}`).toEqual({ a: proto.accepted, r: proto.rejected, m: proto.errorMessage });
      expect(readBatch(json.batch)).toEqual(readBatch(proto.batch));
      totals.accepted += json.accepted;
      totals.rejected += json.rejected;
    }
    expect(totals.accepted).toBeGreaterThan(20);
    expect(totals.rejected).toBeGreaterThan(200);
  });
});
