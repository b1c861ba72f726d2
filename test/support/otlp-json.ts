/** OTLP/JSON forms of generated requests, and the variations the JSON decoder must accept. */
import type { GenRequest } from './otlp-gen.js';
import { forEachPoint } from './otlp-fixtures.js';
import { encodeRequest, ExportMetricsServiceRequest } from './otlp-oracle.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/**
 * The request as an OTLP/JSON exporter writes it: protobufjs' JSON form (int64 as strings, bytes
 * as base64, NaN/Infinity as strings) with the OTLP differences fixed up (trace/span ids in hex).
 * Goes through the wire bytes, so it holds exactly what the protobuf decoder sees.
 */
export function toOtlpJson(req: GenRequest, enums: 'number' | 'name' = 'number'): Json {
  const msg = ExportMetricsServiceRequest.decode(encodeRequest(req));
  const json = ExportMetricsServiceRequest.toObject(msg, { longs: String, bytes: String, enums: enums === 'name' ? String : Number, json: true }) as Json;
  return mapObjects(json, (o) => {
    for (const k of ['traceId', 'spanId']) if (typeof o[k] === 'string') o[k] = Buffer.from(o[k] as string, 'base64').toString('hex');
    return o;
  });
}

export function jsonBytes(json: Json | string): Uint8Array {
  return new Uint8Array(Buffer.from(typeof json === 'string' ? json : JSON.stringify(json)));
}

/** Applies `fn` to every object, children first; arrays are walked, scalars kept. */
export function mapObjects(v: Json, fn: (o: { [k: string]: Json }) => { [k: string]: Json }): Json {
  if (Array.isArray(v)) return v.map((x) => mapObjects(x, fn));
  if (v === null || typeof v !== 'object') return v;
  const out: { [k: string]: Json } = {};
  for (const [k, x] of Object.entries(v)) out[k] = mapObjects(x, fn);
  return fn(out);
}

const INT64_KEYS = new Set(['asInt', 'count', 'zeroCount', 'intValue', 'bucketCounts']);
const TIME_KEYS = new Set(['timeUnixNano', 'startTimeUnixNano']);

/**
 * int64 / uint64 fields as JSON numbers: values wherever exact (|n| < 2^53), timestamps always
 * (pair with midMillisecond so the rounding cannot change the millisecond).
 */
export function int64AsNumbers(json: Json): Json {
  const isInt = (x: Json): x is string => typeof x === 'string' && /^-?\d+$/.test(x);
  const num = (x: Json): Json => (isInt(x) && Number.isSafeInteger(Number(x)) ? Number(x) : x);
  return mapObjects(json, (o) => {
    for (const k of Object.keys(o)) {
      const x = o[k]!;
      if (TIME_KEYS.has(k) && isInt(x)) o[k] = Number(x);
      else if (INT64_KEYS.has(k)) o[k] = Array.isArray(x) ? x.map(num) : num(x);
    }
    return o;
  });
}

/** Every key in snake_case, as protobuf's JSON mapping also accepts. */
export function snakeKeys(json: Json): Json {
  return mapObjects(json, (o) => Object.fromEntries(Object.entries(o).map(([k, x]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), x])));
}

/** Fields a newer schema might add, in every object. */
export function withUnknownFields(json: Json): Json {
  return mapObjects(json, (o) => ({ futureField: 1, nestedFuture: { a: [1, 'x', null], b: { c: true } }, ...o, zzUnknown: 'z' }));
}

/**
 * Moves every timestamp to the middle of its millisecond, so that int64 sent as (inexact) JSON
 * numbers still falls in the same millisecond.
 */
export function midMillisecond(req: GenRequest): GenRequest {
  const copy = structuredClone(req);
  const mid = (ns: string): string => ((BigInt(ns) / 1_000_000n) * 1_000_000n + 500_000n).toString();
  forEachPoint(copy, (p) => {
    p.timeUnixNano = mid(p.timeUnixNano);
    if (typeof p['startTimeUnixNano'] === 'string') p['startTimeUnixNano'] = mid(p['startTimeUnixNano']);
  });
  return copy;
}
