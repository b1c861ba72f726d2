import { OTLPMetricExporter as GrpcExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../support/cli.js';
import type { AckedPoint } from '../../support/otel-capture.js';
import { CapturingExporter } from '../../support/otel-capture.js';
import type { Labels } from '../../support/prom-api.js';
import type { ExpectedSeries } from '../../support/store-check.js';
import { checkExact, describeCheck } from '../../support/store-check.js';
import type { RunningAgent } from '../../support/store-agent.js';
import { sleep, startStoreAgent, writeStoreConfig } from '../../support/store-agent.js';
import { datafiles } from '../../support/store-files.js';

// The real OpenTelemetry JS SDK (gRPC exporter) into the real agent process, read back through
// the Prometheus-compatible API: names, labels and every acknowledged value, exactly.

const dir = tempDir('cairn-roundtrip-');
const storePath = `${dir.dir}/store`;
const config = writeStoreConfig(dir.dir, 'rt.yaml', storePath, {
  max_disk_bytes: '64MiB',
  datafile_bytes: '32KiB',
  page_points: 16,
  page_max_age: '1h',
  wal: { segment_bytes: '32KiB' },
});

const RESOURCE = { 'service.name': 'rt-svc', 'service.instance.id': 'rt-1', 'host.name': 'rt-host' };
const SCOPE = { name: 'cairn-rt-meter', version: '1.2.3' };
const ROUNDS = 40;
const PAGE = 16;
const BOUNDS = [5, 10, 100];
const HIST_VALUES = [1, 7, 15, 150, 3, 5, 10, 100];
const gaugeAt = (r: number): number => 21.5 + r / 3;

const agents: RunningAgent[] = [];
let agent: RunningAgent;
let exporter: CapturingExporter;
/** Export times (ms) of the acknowledged rounds, oldest first. */
let times: number[] = [];

beforeAll(async () => {
  agent = await startStoreAgent(config);
  agents.push(agent);
  exporter = new CapturingExporter(new GrpcExporter({ url: `http://${agent.grpc}`, timeoutMillis: 10_000 }));
  const provider = new MeterProvider({
    resource: resourceFromAttributes(RESOURCE),
    readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 600_000, exportTimeoutMillis: 20_000 })],
  });
  const meter = provider.getMeter(SCOPE.name, SCOPE.version);
  const counter = meter.createCounter('e2e.requests', { description: 'requests served', unit: '{request}' });
  let gauge = gaugeAt(0);
  meter.createObservableGauge('e2e.temperature', { unit: 'Cel' }).addCallback((r) => r.observe(gauge, { sensor: 'inlet' }));
  const hist = meter.createHistogram('e2e.latency', { unit: 'ms', advice: { explicitBucketBoundaries: BOUNDS } });
  let lastMs = 0;
  for (let r = 0; r < ROUNDS; r++) {
    counter.add(r + 1, { route: '/a', method: 'GET' });
    counter.add(2, { route: '/b', method: 'POST' });
    gauge = gaugeAt(r);
    hist.record(HIST_VALUES[r % HIST_VALUES.length]!, { op: 'read' });
    // Distinct millisecond timestamps per export.
    while (Date.now() <= lastMs + 2) await sleep(1);
    await provider.forceFlush();
    lastMs = Date.now();
    // After each full page, give the store's flush (every second) time to write it.
    if ((r + 1) % PAGE === 0) await sleep(1300);
  }
  await provider.shutdown();
  times = [...new Set(exporter.acked.map((p) => p.timeMs))].sort((a, b) => a - b);
}, 60_000);

afterAll(async () => {
  await Promise.all(agents.map((a) => a.kill()));
  dir.remove();
});

const lastTime = (): number => times[times.length - 1]!;

const base = (attrs: Labels): Labels => ({ job: 'rt-svc', instance: 'rt-1', otel_scope_name: SCOPE.name, otel_scope_version: SCOPE.version, ...attrs });

/** The Prometheus series the acknowledged points must have become (flattening done here, independently). */
function expectedSeries(points: readonly AckedPoint[]): Map<string, ExpectedSeries> {
  const out = new Map<string, ExpectedSeries>();
  const add = (labels: Labels, t: number, v: number): void => {
    const key = JSON.stringify(Object.entries(labels).sort());
    let s = out.get(key);
    if (s === undefined) out.set(key, (s = { labels, points: new Map() }));
    s.points.set(t, v);
  };
  for (const p of points) {
    const attrs = Object.fromEntries(Object.entries(p.attributes).map(([k, v]) => [k, String(v)]));
    if (p.metric === 'e2e.requests') add({ __name__: 'e2e_requests_total', ...base(attrs) }, p.timeMs, p.value!);
    else if (p.metric === 'e2e.temperature') add({ __name__: 'e2e_temperature_celsius', ...base(attrs) }, p.timeMs, p.value!);
    else if (p.metric === 'e2e.latency') {
      const h = p.histogram!;
      let cumulative = 0;
      [...h.boundaries, Infinity].forEach((le, i) => {
        cumulative += h.counts[i]!;
        add({ __name__: 'e2e_latency_milliseconds_bucket', ...base(attrs), le: le === Infinity ? '+Inf' : String(le) }, p.timeMs, cumulative);
      });
      add({ __name__: 'e2e_latency_milliseconds_sum', ...base(attrs) }, p.timeMs, h.sum);
      add({ __name__: 'e2e_latency_milliseconds_count', ...base(attrs) }, p.timeMs, h.count);
    }
  }
  return out;
}

const NAMES = ['e2e_requests_total', 'e2e_temperature_celsius', 'e2e_latency_milliseconds_bucket', 'e2e_latency_milliseconds_sum', 'e2e_latency_milliseconds_count'];

async function expectExactRange(a: RunningAgent, fromMs: number, toMs: number, minPoints: number): Promise<void> {
  const expected = [...expectedSeries(exporter.acked).values()];
  let checked = 0;
  for (const name of NAMES) {
    const mine = expected.filter((s) => s.labels['__name__'] === name);
    // Every millisecond a step: each sample sits on one.
    const r = await checkExact(a.api, name, mine, fromMs, toMs, 1);
    expect(r.mismatches.length, `${name}: ${describeCheck(r)}`).toBe(0);
    expect(r.unexpectedSeries, name).toEqual([]);
    checked += r.checked;
  }
  expect(checked).toBeGreaterThanOrEqual(minPoints);
}

describe('OTel SDK (gRPC) → agent → query API', () => {
  it('every export was acknowledged, with the values the workload implies', () => {
    expect(exporter.failures).toEqual([]);
    // One export per round, and one more from the provider's shutdown (same cumulative values).
    expect(times.length).toBeGreaterThanOrEqual(ROUNDS);
    expect(times.length).toBeLessThanOrEqual(ROUNDS + 1);
    // The captured values are what the arithmetic says (so the capture itself is trustworthy).
    const last = exporter.acked.filter((p) => p.timeMs === lastTime());
    const a = last.find((p) => p.metric === 'e2e.requests' && p.attributes['route'] === '/a');
    expect(a?.value).toBe((ROUNDS * (ROUNDS + 1)) / 2);
    expect(last.find((p) => p.metric === 'e2e.temperature')?.value).toBe(gaugeAt(ROUNDS - 1));
    expect(last.find((p) => p.metric === 'e2e.latency')?.histogram?.count).toBe(ROUNDS);
  });

  it('query_range returns every acknowledged point exactly under the Prometheus names', async () => {
    // 2 counter series + 1 gauge + 4 buckets + sum + count = 9 series × (40 or 41) points.
    await expectExactRange(agent, times[0]!, lastTime(), 9 * ROUNDS);
  });

  it('query (instant) returns the newest value of every series, stamped with the query time', async () => {
    const at = lastTime() + 1000;
    const total = (await agent.api.query('e2e_requests_total', at)).map((s) => [s.metric['route'], s.value[1], s.value[0]]);
    expect(total.sort()).toEqual([
      ['/a', String((ROUNDS * (ROUNDS + 1)) / 2), at / 1000],
      ['/b', String(2 * ROUNDS), at / 1000],
    ]);
    const temp = await agent.api.query('e2e_temperature_celsius{sensor="inlet"}', at);
    expect(temp.map((s) => s.metric)).toEqual([{ __name__: 'e2e_temperature_celsius', ...base({ sensor: 'inlet' }) }]);
    expect(Number(temp[0]!.value[1])).toBe(gaugeAt(ROUNDS - 1));
    // Buckets are cumulative, +Inf equals the count.
    const buckets = await agent.api.query('e2e_latency_milliseconds_bucket', at);
    const byLe = Object.fromEntries(buckets.map((s) => [s.metric['le'], Number(s.value[1])]));
    const le = (bound: number): number => Array.from({ length: ROUNDS }, (_, r) => HIST_VALUES[r % HIST_VALUES.length]!).filter((v) => v <= bound).length;
    expect(byLe).toEqual({ '5': le(5), '10': le(10), '100': le(100), '+Inf': ROUNDS });
    const sum = Array.from({ length: ROUNDS }, (_, r) => HIST_VALUES[r % HIST_VALUES.length]!).reduce((x, y) => x + y, 0);
    expect(Number((await agent.api.query('e2e_latency_milliseconds_sum', at))[0]?.value[1])).toBe(sum);
    expect(Number((await agent.api.query('e2e_latency_milliseconds_count', at))[0]?.value[1])).toBe(ROUNDS);
    // Past the 5-minute lookback there is nothing.
    expect(await agent.api.query('e2e_requests_total', lastTime() + 301_000)).toEqual([]);
  });

  it('target_info carries the non-identifying resource attributes (host_name) under job/instance', async () => {
    const info = await agent.api.query('target_info{job="rt-svc"}', lastTime());
    expect(info.length).toBe(1);
    expect(info[0]!.metric).toMatchObject({ __name__: 'target_info', job: 'rt-svc', instance: 'rt-1', host_name: 'rt-host' });
    expect(info[0]!.metric).not.toHaveProperty('service_name');
    expect(info[0]!.metric).not.toHaveProperty('service_instance_id');
    expect(info[0]!.value[1]).toBe('1');
  });

  it('/api/v1/series, /labels and /label/<name>/values list the series', async () => {
    const series = await agent.api.series(['{job="rt-svc"}']);
    const names = series.map((s) => s['__name__']).sort();
    expect(names).toEqual([...NAMES.flatMap((n) => (n.endsWith('_bucket') ? [n, n, n, n] : n === 'e2e_requests_total' ? [n, n] : [n])), 'target_info'].sort());
    expect(series).toContainEqual({ __name__: 'e2e_requests_total', ...base({ route: '/b', method: 'POST' }) });
    expect(series).toContainEqual({ __name__: 'e2e_latency_milliseconds_bucket', ...base({ op: 'read', le: '+Inf' }) });
    expect(await agent.api.labels()).toEqual(expect.arrayContaining(['__name__', 'host_name', 'instance', 'job', 'le', 'method', 'op', 'otel_scope_name', 'otel_scope_version', 'route', 'sensor']));
    expect(await agent.api.labelValues('__name__')).toEqual(expect.arrayContaining([...NAMES, 'target_info']));
    expect(await agent.api.labelValues('le')).toEqual(['+Inf', '10', '100', '5'].sort());
    expect(await agent.api.labelValues('route')).toEqual(['/a', '/b']);
    expect(await agent.api.labelValues('host_name')).toEqual(['rt-host']);
  });

  it('older ranges, served from pages flushed to datafiles, read back exactly while running', async () => {
    // page_points 16: the first 32 points of every series were cut into two pages and written.
    const m = await agent.api.metrics();
    expect(m.sum('cairn_store_datafile_bytes')).toBeGreaterThan(0);
    expect(datafiles(storePath).length).toBeGreaterThan(0);
    // Open pages hold only the last 8 points of each series (+ target_info's).
    expect(m.sum('cairn_store_head_samples')).toBeLessThan(9 * ROUNDS);
    await expectExactRange(agent, times[0]!, times[2 * PAGE - 1]!, 9 * 2 * PAGE);
    expect(m.sum('cairn_store_corrupt_skipped_total')).toBe(0);
    expect((await agent.api.metrics()).sum('cairn_store_corrupt_skipped_total')).toBe(0);
  });

  it('after a clean restart, pages (from the journals) and the WAL head read back exactly', async () => {
    expect(await agent.stop()).toEqual({ code: 0, signal: null });
    const again = await startStoreAgent(config);
    agents.push(again);
    expect(again.storeOpened['pages']).toBeGreaterThanOrEqual(9 * 2);
    await expectExactRange(again, times[0]!, times[2 * PAGE - 1]!, 9 * 2 * PAGE);
    await expectExactRange(again, times[0]!, lastTime(), 9 * ROUNDS);
    expect((await again.api.series(['{job="rt-svc"}'])).length).toBe(10);
  });
});
