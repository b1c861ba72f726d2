// Exponential histograms from the real OpenTelemetry JS SDK are queryable: stored as cumulative
// `_bucket{le}` series (scale 3 at most), `histogram_quantile` over them is within one bucket's
// width (2^(1/8), 9 %) of the true quantile of the values recorded.
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationType, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../support/cli.js';
import { makeExporter } from '../../support/otel-sdk.js';
import { mulberry32 } from '../../support/prng.js';
import type { RunningAgent } from '../../support/store-agent.js';
import { startStoreAgent, writeStoreConfig } from '../../support/store-agent.js';

const dir = tempDir('cairn-exp-hist-');
let agent: RunningAgent | undefined;
afterAll(async () => {
  await agent?.kill();
  dir.remove();
});

type Vector = { metric: Record<string, string>; value: [number, string] }[];

describe('exponential histograms in queries', () => {
  it('histogram_quantile over an SDK exponential histogram is within a bucket of the true quantile', { timeout: 60_000 }, async () => {
    agent = await startStoreAgent(writeStoreConfig(dir.dir, 'cairn.yaml', `${dir.dir}/store`, {}));
    const provider = new MeterProvider({
      resource: resourceFromAttributes({ 'service.name': 'exp-hist' }),
      views: [{ instrumentName: 'rpc.duration', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM, options: { maxSize: 160 } } }],
      readers: [new PeriodicExportingMetricReader({ exporter: makeExporter('grpc', agent.grpc, agent.httpUrl), exportIntervalMillis: 600_000 })],
    });
    const hist = provider.getMeter('exp').createHistogram('rpc.duration', { unit: 'ms' });
    // Log-normal durations from about 0.1 ms to 10 s.
    const r = mulberry32(7);
    const values = Array.from({ length: 5000 }, () => Math.exp(Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r()) * 1.5 + 3));
    for (const v of values) hist.record(v, { route: '/a' });
    await provider.forceFlush();
    await provider.shutdown();

    const query = async (q: string): Promise<Vector> => (await agent!.api.get<{ result: Vector }>('/api/v1/query', [['query', q]])).data.result;
    const count = await query('rpc_duration_milliseconds_count');
    expect(count.map((s) => Number(s.value[1]))).toEqual([5000]);
    const buckets = await query('rpc_duration_milliseconds_bucket');
    expect(buckets.length).toBeGreaterThan(20);
    const sorted = [...values].sort((a, b) => a - b);
    for (const q of [0.5, 0.9, 0.99]) {
      const [got] = await query(`histogram_quantile(${q}, rpc_duration_milliseconds_bucket)`);
      const truth = sorted[Math.ceil(q * sorted.length) - 1]!;
      const ratio = Number(got!.value[1]) / truth;
      expect(ratio, `p${q * 100}: ${got!.value[1]} against ${truth}`).toBeGreaterThan(2 ** (-1 / 8));
      expect(ratio, `p${q * 100}: ${got!.value[1]} against ${truth}`).toBeLessThan(2 ** (1 / 8));
    }
    expect(await agent.stop()).toEqual({ code: 0, signal: null });
    agent = undefined;
  });
});
