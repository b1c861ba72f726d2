import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HISTOGRAM_HEADER, PointFlag } from '../../src/model/index.js';
import type { StoredPoint } from '../../src/store/index.js';
import type { TestAgent } from '../support/agent.js';
import { startTestAgent } from '../support/agent.js';
import type { ExporterKind } from '../support/otel-sdk.js';
import { captureDiag, makeExporter, runWorkload, WORKLOAD as W } from '../support/otel-sdk.js';

// The real OpenTelemetry JS SDK, through each of its three OTLP metric exporters, into the agent.

let t: TestAgent;
let diagLog: ReturnType<typeof captureDiag>;

beforeAll(async () => {
  diagLog = captureDiag();
  t = await startTestAgent();
});

afterAll(async () => {
  diagLog.stop();
  await t?.close();
});

const labels = (pairs: readonly (readonly [string, string])[]): Record<string, string> => Object.fromEntries(pairs);

describe.each<ExporterKind>(['grpc', 'http-proto', 'http-json'])('OpenTelemetry SDK via the %s exporter', (kind) => {
  const service = `cairn-e2e-${kind}`;
  let points: StoredPoint[];

  beforeAll(async () => {
    const before = diagLog.messages.length;
    const run = await runWorkload(makeExporter(kind, t.grpcAddress, t.httpUrl), { 'service.name': service, 'deployment.tier': `tier-${kind}` });
    // The exporter saw only successes (and no partial-success or failure warnings).
    expect(run.exporter.results.length).toBeGreaterThanOrEqual(1);
    for (const r of run.exporter.results) expect({ code: r.code, error: r.error?.message }).toEqual({ code: 0, error: undefined });
    expect(diagLog.messages.slice(before)).toEqual([]);
    points = [...t.memory.points()].filter((p) => labels(p.series.resource)['service.name'] === service);
  });

  it('stores every metric with its resource and scope', () => {
    expect(new Set(points.map((p) => p.series.name))).toEqual(new Set([W.counter, W.gauge, W.histogram]));
    for (const p of points) {
      const resource = labels(p.series.resource);
      expect(resource['service.name']).toBe(service);
      expect(resource['deployment.tier']).toBe(`tier-${kind}`);
      expect(p.series.scopeName).toBe(W.meter.name);
      expect(p.series.scopeVersion).toBe(W.meter.version);
      expect(p.timeMs).toBeGreaterThan(Date.now() - 60_000);
      expect(p.timeMs).toBeLessThanOrEqual(Date.now() + 1000);
    }
  });

  it('stores the counter as a monotonic cumulative sum per attribute set', () => {
    const counter = points.filter((p) => p.series.name === W.counter);
    const routes = new Set<string>();
    for (const p of counter) {
      expect(p.series.kind).toBe('sum');
      expect(p.series.monotonic).toBe(true);
      expect(p.series.temporality).toBe('cumulative');
      expect(p.series.unit).toBe('{request}');
      expect(p.series.description).toBe('requests served');
      const attrs = labels(p.series.attributes);
      const route = attrs['route']!;
      routes.add(route);
      expect(attrs).toEqual({ route, method: route === '/a' ? 'GET' : 'POST' });
      expect(p.value).toBe(W.counterTotals[route]);
      expect(p.startMs).toBeGreaterThan(0);
      expect(p.startMs).toBeLessThanOrEqual(p.timeMs);
      expect(p.flags & PointFlag.NO_RECORDED_VALUE).toBe(0);
    }
    expect(routes).toEqual(new Set(['/a', '/b']));
  });

  it('stores the observable gauge value', () => {
    const gauge = points.filter((p) => p.series.name === W.gauge);
    expect(gauge.length).toBeGreaterThanOrEqual(1);
    for (const p of gauge) {
      expect(p.series.kind).toBe('gauge');
      expect(p.series.temporality).toBe('unspecified');
      expect(p.series.unit).toBe('Cel');
      expect(labels(p.series.attributes)).toEqual(W.gaugeAttrs);
      expect(p.value).toBe(W.gaugeValue);
    }
  });

  it('stores the histogram with count, sum, min, max and explicit buckets', () => {
    const hist = points.filter((p) => p.series.name === W.histogram);
    expect(hist.length).toBeGreaterThanOrEqual(1);
    const vs = W.histogramValues;
    const bounds = W.histogramBounds;
    const counts = bounds.map((b, i) => vs.filter((v) => v <= b && (i === 0 || v > bounds[i - 1]!)).length);
    counts.push(vs.filter((v) => v > bounds[bounds.length - 1]!).length);
    for (const p of hist) {
      expect(p.series.kind).toBe('histogram');
      expect(p.series.temporality).toBe('cumulative');
      expect(p.series.unit).toBe('ms');
      expect(labels(p.series.attributes)).toEqual(W.histogramAttrs);
      expect(p.flags & PointFlag.COMPOUND).toBe(PointFlag.COMPOUND);
      expect(p.value).toBe(vs.length);
      // [count, sum, min, max, buckets, bounds(buckets-1)…, counts(buckets)…]
      expect(p.extra).toEqual([
        vs.length,
        vs.reduce((a, b) => a + b, 0),
        Math.min(...vs),
        Math.max(...vs),
        bounds.length + 1,
        ...bounds,
        ...counts,
      ]);
      expect(p.extra!.length).toBe(HISTOGRAM_HEADER + 2 * bounds.length + 1);
    }
  });
});
