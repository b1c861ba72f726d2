// Seeded OTLP workloads shared by the benchmarks: requests are encoded once and re-sent,
// so the load generator spends its CPU on sending, not on encoding.
import root from '../dist/generated/otlp.js';

const { ExportMetricsServiceRequest } = root.opentelemetry.proto.collector.metrics.v1;

import { prng } from './prng.mjs';

export { prng };

const METRICS = 50;

/**
 * `series` distinct series spread over 50 gauge/sum metrics with 3 point attributes each,
 * one resource with 5 attributes, cut into requests of `pointsPerRequest` points (one point
 * per series per request). Returns { requests: Uint8Array[], json: string[] }.
 */
export function buildWorkload({ series = 10_000, pointsPerRequest = 1_000, seed = 1, timeMs = Date.now(), json = false } = {}) {
  const rand = prng(seed);
  const perMetric = Math.ceil(series / METRICS);
  const all = [];
  for (let s = 0; s < series; s++) {
    const m = s % METRICS;
    const i = Math.floor(s / METRICS);
    all.push({ m, attrs: [['host.cpu', `cpu${i % 64}`], ['state', ['user', 'system', 'idle', 'iowait'][i % 4]], ['shard', `s${Math.floor(i / 256)}-${i % perMetric}`]] });
  }
  const resource = {
    attributes: [
      ['service.name', 'bench'],
      ['service.instance.id', 'bench-1'],
      ['host.name', 'bench-host'],
      ['os.type', 'linux'],
      ['deployment.environment', 'bench'],
    ].map(kv),
  };
  const requests = [];
  const offsets = [];
  const jsonBodies = [];
  const ns = (BigInt(Math.floor(timeMs)) * 1_000_000n).toString();
  for (let start = 0; start < all.length; start += pointsPerRequest) {
    const byMetric = new Map();
    for (const s of all.slice(start, start + pointsPerRequest)) {
      const point = { timeUnixNano: ns, startTimeUnixNano: ns, attributes: s.attrs.map(kv) };
      if (s.m % 2 === 0) point.asDouble = Math.round(rand() * 10000) / 100;
      else point.asInt = String(Math.floor(rand() * 1e9));
      if (!byMetric.has(s.m)) byMetric.set(s.m, []);
      byMetric.get(s.m).push(point);
    }
    const metrics = [...byMetric].map(([m, dataPoints]) =>
      m % 2 === 0
        ? { name: `bench.gauge.${m}`, unit: '1', gauge: { dataPoints } }
        : { name: `bench.counter.${m}`, unit: 's', sum: { dataPoints, aggregationTemporality: 2, isMonotonic: true } },
    );
    const body = { resourceMetrics: [{ resource, scopeMetrics: [{ scope: { name: 'bench', version: '1.0.0' }, metrics }] }] };
    const bytes = ExportMetricsServiceRequest.encode(ExportMetricsServiceRequest.fromObject(body)).finish();
    requests.push(bytes);
    offsets.push(timestampOffsets(bytes, ns));
    if (json) jsonBodies.push(JSON.stringify(body));
  }
  return { requests, offsets, json: jsonBodies, points: Math.min(pointsPerRequest, series) };
}

/** Where the fixed64 timestamps sit in an encoded request, so a sender can move them forward. */
function timestampOffsets(bytes, ns) {
  const pattern = Buffer.alloc(8);
  pattern.writeBigUInt64LE(BigInt(ns));
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = [];
  for (let at = buf.indexOf(pattern); at >= 0; at = buf.indexOf(pattern, at + 8)) out.push(at);
  return Uint32Array.from(out);
}

/** Sets every timestamp of an encoded request (in place) to `timeMs`. */
export function setTimestamps(bytes, offsets, timeMs) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ns = BigInt(Math.floor(timeMs)) * 1_000_000n;
  for (const at of offsets) view.setBigUint64(at, ns, true);
}

function kv([key, value]) {
  return { key, value: { stringValue: value } };
}
