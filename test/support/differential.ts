/** Decode-and-compare against the protobufjs oracle, shared by the protobuf and JSON tests. */
import { expect } from 'vitest';
import type { DecodeOutcome } from '../../src/workers/decode/otlp-proto.js';
import { OtlpProtoDecoder } from '../../src/workers/decode/otlp-proto.js';
import { decodeSeriesParts, SOURCE_STRIDE } from '../../src/workers/decode/proto-definition.js';
import type { GenOptions } from './otlp-gen.js';
import { generateRequest } from './otlp-gen.js';
import type { ActualPoint, Expected, ExpectedSeries, IdentityLedger } from './otlp-oracle.js';
import { canonical, encodeRequest, expectedFromOracle, LIMITS, oracleDecode, readBatch, rowOf } from './otlp-oracle.js';

export interface ProtoRun {
  bytes: Uint8Array;
  out: DecodeOutcome;
  actual: ActualPoint[];
  expected: Expected;
}

/** Request sizes varying with the seed, so small and larger requests both occur. */
export function optionsFor(seed: number): GenOptions {
  return { resources: 1 + (seed % 3), metricsPerScope: 1 + (seed % 5), pointsPerMetric: 1 + ((seed >> 2) % 4) };
}

export function newDecoder(cacheEntries?: number): OtlpProtoDecoder {
  return new OtlpProtoDecoder(LIMITS, cacheEntries);
}

/** The series of a local index as decoded from the recorded sources, labels canonicalised. */
export function seriesOf(bytes: Uint8Array, out: DecodeOutcome, local: number): ExpectedSeries {
  const parts = decodeSeriesParts(bytes, out.sources, local * SOURCE_STRIDE);
  return { ...parts, resource: canonical(parts.resource), attributes: canonical(parts.attributes) };
}

/**
 * Decodes `bytes` and checks every point, its series definition and the counters against the
 * oracle's reading of the same bytes; every point's identity goes into `ledger` when given.
 */
export function checkProto(decoder: OtlpProtoDecoder, bytes: Uint8Array, ledger?: IdentityLedger, label = ''): ProtoRun {
  const expected = expectedFromOracle(oracleDecode(bytes));
  const out = decoder.decode(bytes);
  const actual = readBatch(out.batch);
  expect({ accepted: out.accepted, rejected: out.rejected, errorMessage: out.errorMessage }, label).toEqual({
    accepted: expected.points.length,
    rejected: 0,
    errorMessage: '',
  });
  expect(out.exemplarsDropped, `${label} exemplars`).toBe(expected.exemplars);
  expect(actual.map(rowOf), `${label} points`).toEqual(expected.points.map(rowOf));
  const defs = new Map<number, ExpectedSeries>();
  actual.forEach((a, i) => {
    let def = defs.get(a.local);
    if (def === undefined) defs.set(a.local, (def = seriesOf(bytes, out, a.local)));
    expect(def, `${label} series of point ${i}`).toEqual(expected.points[i]!.series);
    ledger?.record(expected.points[i]!.key, a.hash);
  });
  expect(out.batch.seriesCount, `${label} series count`).toBe(defs.size);
  return { bytes, out, actual, expected };
}

export function generatedBytes(seed: number, options: GenOptions = optionsFor(seed)): Uint8Array {
  return encodeRequest(generateRequest(seed, options));
}
