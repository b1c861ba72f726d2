import { ExportRequest } from './payloads.js';

// Raw OTLP metric requests with explicit timestamps and values, encoded with the generated
// protobuf code (src/generated/otlp.js), for tests that must know every point exactly.

export type Attrs = Record<string, string>;

/** One point: time in ms since the epoch and its value. */
export type TimedPoint = readonly [timeMs: number, value: number];

export interface SeriesPoints {
  readonly attributes: Attrs;
  readonly points: readonly TimedPoint[];
}

export interface MetricPoints {
  readonly name: string;
  /** gauge (double), or a monotonic cumulative sum (a Prometheus counter, `_total`). */
  readonly kind: 'gauge' | 'counter';
  readonly unit?: string;
  readonly series: readonly SeriesPoints[];
}

export interface ResourcePoints {
  readonly resource: Attrs;
  readonly metrics: readonly MetricPoints[];
}

const kv = (attrs: Attrs): { key: string; value: { stringValue: string } }[] =>
  Object.entries(attrs).map(([key, v]) => ({ key, value: { stringValue: v } }));

const nanos = (ms: number): string => (BigInt(ms) * 1_000_000n).toString();

/** Counters start here (a fixed start time, so every point of a series is one cumulative run). */
export const COUNTER_START_MS = 1_600_000_000_000;

export const SCOPE = { name: 'cairn-store-e2e', version: '0.0.1' };

/** The plain-object (protobufjs fromObject) form of a request. */
export function pointsObject(resources: readonly ResourcePoints[]): Record<string, unknown> {
  return {
    resourceMetrics: resources.map((r) => ({
      resource: { attributes: kv(r.resource) },
      scopeMetrics: [
        {
          scope: SCOPE,
          metrics: r.metrics.map((m) => {
            const dataPoints = m.series.flatMap((s) =>
              s.points.map(([t, v]) => ({
                timeUnixNano: nanos(t),
                ...(m.kind === 'counter' ? { startTimeUnixNano: nanos(COUNTER_START_MS) } : {}),
                asDouble: v,
                attributes: kv(s.attributes),
              })),
            );
            return m.kind === 'gauge'
              ? { name: m.name, unit: m.unit ?? '', gauge: { dataPoints } }
              : { name: m.name, unit: m.unit ?? '', sum: { dataPoints, aggregationTemporality: 2, isMonotonic: true } };
          }),
        },
      ],
    })),
  };
}

/** The protobuf bytes of a request. */
export function pointsProto(resources: readonly ResourcePoints[]): Buffer {
  return Buffer.from(ExportRequest.encode(ExportRequest.fromObject(pointsObject(resources))).finish());
}

/**
 * A distinct, full-precision double for (series, seq): exercises the float codecs (no short
 * decimal form to fall back to) and lets a value found at the wrong time be told apart.
 */
export function valueFor(series: number, seq: number): number {
  let h = Math.imul(series + 0x9e3779b9, 0x85ebca6b) ^ Math.imul(seq + 0x27d4eb2f, 0xc2b2ae35);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  const frac = (h >>> 0) / 4294967296;
  // seq in the integer part keeps values distinct; the fraction fills the mantissa.
  return seq + series * 1_000_000 + frac;
}

/** Seconds-aligned base time for synthetic data, `hoursAgo` before now. */
export function baseTimeMs(hoursAgo: number): number {
  return Math.floor(Date.now() / 1000) * 1000 - hoursAgo * 3_600_000;
}
