import root from '../../src/generated/otlp.js';
import type { StoredPoint } from '../../src/store/index.js';
import type { NonDurableMemoryStore } from '../../src/store/index.js';

// Small hand-built OTLP requests for receiver tests (the generated protobufjs code encodes them).

export const ExportRequest = root.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
export const ExportResponse = root.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
export const RpcStatus = root.google.rpc.Status;
export const RetryInfo = root.google.rpc.RetryInfo;

type Attrs = Record<string, string>;

const kv = (attrs: Attrs): { key: string; value: { stringValue: string } }[] =>
  Object.entries(attrs).map(([key, v]) => ({ key, value: { stringValue: v } }));

/** Nanoseconds since the epoch as a decimal string (int64 as OTLP/JSON likes it). */
export const nowNanos = (): string => (BigInt(Date.now()) * 1_000_000n).toString();

export interface GaugePoint {
  readonly value: number;
  readonly attributes?: Attrs;
}

export interface GaugeSpec {
  readonly name: string;
  readonly points: readonly GaugePoint[];
  readonly resource?: Attrs;
}

/** The plain-object form (protobufjs fromObject / OTLP JSON shape) of a gauge request. */
export function gaugeObject(spec: GaugeSpec | readonly GaugeSpec[]): Record<string, unknown> {
  const specs: readonly GaugeSpec[] = Array.isArray(spec) ? (spec as readonly GaugeSpec[]) : [spec as GaugeSpec];
  const time = nowNanos();
  return {
    resourceMetrics: specs.map((s) => ({
      resource: { attributes: kv(s.resource ?? { 'service.name': 'cairn-test' }) },
      scopeMetrics: [
        {
          scope: { name: 'cairn-test-scope', version: '1.0.0' },
          metrics: [{ name: s.name, gauge: { dataPoints: s.points.map((p) => ({ timeUnixNano: time, asDouble: p.value, attributes: kv(p.attributes ?? {}) })) } }],
        },
      ],
    })),
  };
}

/** A protobuf-encoded gauge request. */
export function gaugeProto(spec: GaugeSpec | readonly GaugeSpec[]): Buffer {
  return Buffer.from(ExportRequest.encode(ExportRequest.fromObject(gaugeObject(spec))).finish());
}

/** A JSON-encoded gauge request. */
export function gaugeJson(spec: GaugeSpec | readonly GaugeSpec[]): Buffer {
  return Buffer.from(JSON.stringify(gaugeObject(spec)));
}

let unique = 0;
/** A small valid request with one point under a metric name nobody else uses. */
export function goodRequest(prefix = 'good'): { name: string; proto: Buffer; json: Buffer } {
  const name = `${prefix}_${process.pid}_${++unique}`;
  const spec = { name, points: [{ value: unique, attributes: { n: String(unique) } }] };
  return { name, proto: gaugeProto(spec), json: gaugeJson(spec) };
}

/** A protobuf request of roughly `bytes` bytes: one gauge with many distinct points. */
export function bulkProto(bytes: number, name = 'bulk'): Buffer {
  const perPoint = 48;
  const n = Math.max(1, Math.floor(bytes / perPoint));
  const points: GaugePoint[] = [];
  for (let i = 0; i < n; i++) points.push({ value: i, attributes: { i: String(i).padStart(8, '0') } });
  return gaugeProto({ name, points });
}

/** Points stored under a metric name. */
export function pointsNamed(store: NonDurableMemoryStore, name: string): StoredPoint[] {
  return [...store.points()].filter((p) => p.series.name === name);
}

/** Decodes a google.rpc.Status from a protobuf or JSON body. */
export function decodeStatus(body: Buffer, contentType: string): { code: number; message: string; details: unknown[] } {
  if (contentType.startsWith('application/json')) {
    const o = JSON.parse(body.toString('utf8')) as { code: number; message: string; details?: unknown[] };
    return { code: o.code, message: o.message, details: o.details ?? [] };
  }
  const s = RpcStatus.decode(body);
  return { code: s.code ?? 0, message: s.message ?? '', details: s.details ?? [] };
}

/** The RetryInfo delay in ms inside a protobuf-encoded google.rpc.Status, or undefined. */
export function retryDelayMs(statusBytes: Uint8Array): number | undefined {
  const s = RpcStatus.decode(statusBytes);
  for (const d of s.details ?? []) {
    if (d.typeUrl !== 'type.googleapis.com/google.rpc.RetryInfo' || !d.value) continue;
    const info = RetryInfo.toObject(RetryInfo.decode(d.value), { longs: Number, defaults: true }) as { retryDelay?: { seconds: number; nanos: number } };
    if (info.retryDelay === undefined) return 0;
    return info.retryDelay.seconds * 1000 + info.retryDelay.nanos / 1e6;
  }
  return undefined;
}

/**
 * A protobuf request of about `bytes` bytes made of few points with ~1 KiB attribute values:
 * many bytes, little decoding, and the same series every time (`variant` picks the values).
 */
export function fatProto(bytes: number, name = 'fat', variant = 0): Buffer {
  const pad = 'p'.repeat(1000);
  const n = Math.max(1, Math.round(bytes / 1060));
  const points: GaugePoint[] = [];
  for (let i = 0; i < n; i++) points.push({ value: variant, attributes: { slot: String(i), pad } });
  return gaugeProto({ name, points });
}
