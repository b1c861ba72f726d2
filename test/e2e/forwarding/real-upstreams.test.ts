// The real OpenTelemetry JS SDK sends counters, gauges and histograms to a cairn agent, which
// forwards them by remote write to a real Prometheus 2.42 and a real VictoriaMetrics 1.79; every
// sample read back from the upstream's query API equals what cairn sent (labels, times, values),
// and what cairn sent equals what the SDK recorded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeExporter, runWorkload, WORKLOAD } from '../../support/otel-sdk.js';
import { FakeUpstream, pointsAndInfos } from '../../support/fake-upstream.js';
import { caughtUp, startForwardingAgent } from '../../support/forwarding-agent.js';
import { tempDir } from '../../support/cli.js';
import type { RunningAgent } from '../../support/store-agent.js';
import { hasPrometheus, hasVictoria, rawSamples, Upstream } from '../../support/upstreams.js';

const RESOURCE = { 'service.name': 'fwd-e2e', 'service.instance.id': 'i-1', 'deployment.environment': 'test' };

async function forwardWorkload(upstream: Upstream, protocolVersion: number): Promise<{ mirror: FakeUpstream; agent: RunningAgent }> {
  const mirror = await FakeUpstream.start();
  const store = tempDir('cairn-fwd-store-');
  const agent = await startForwardingAgent(store.dir, {
    up: { kind: 'prometheus_remote_write', endpoints: [upstream.writeUrl], protocol_version: protocolVersion },
    mirror: { kind: 'prometheus_remote_write', endpoints: [mirror.url] },
  });
  await runWorkload(makeExporter('grpc', agent.grpc, agent.httpUrl), RESOURCE);
  await runWorkload(makeExporter('http-proto', agent.grpc, agent.httpUrl), { ...RESOURCE, 'service.instance.id': 'i-2' });
  const status = await caughtUp(agent);
  expect(status.map((s) => s.droppedPoints)).toEqual([{}, {}]);
  return { mirror, agent };
}

function expectWorkloadValues(samples: Map<string, Record<string, string>>): void {
  const keys = [...samples.keys()];
  // Cumulative counter: the last export carries the totals the SDK recorded.
  for (const [route, total] of Object.entries(WORKLOAD.counterTotals)) {
    expect(keys.some((k) => k.startsWith('e2e_requests_total{') && k.includes(`route="${route}"`) && k.endsWith(`=${total}`))).toBe(true);
  }
  expect(keys.some((k) => k.startsWith('e2e_temperature_celsius{') && k.endsWith(`=${WORKLOAD.gaugeValue}`))).toBe(true);
  const sum = WORKLOAD.histogramValues.reduce((a, b) => a + b, 0);
  expect(keys.some((k) => k.startsWith('e2e_latency_milliseconds_sum{') && k.endsWith(`=${sum}`))).toBe(true);
  expect(keys.some((k) => k.startsWith('e2e_latency_milliseconds_bucket{') && k.includes('le="+Inf"') && k.endsWith(`=${WORKLOAD.histogramValues.length}`))).toBe(true);
  expect(keys.some((k) => k.startsWith('target_info{') && k.includes('deployment_environment="test"'))).toBe(true);
}

// One suite per upstream: how to start it, which protocol to ask for, whether to flush before reading.
const UPSTREAMS = [
  { name: 'a real Prometheus 2.42', installed: hasPrometheus, skip: '/usr/bin/prometheus, Debian package prometheus', start: () => Upstream.prometheus(), protocol: 2, flush: false },
  { name: 'a real VictoriaMetrics 1.79', installed: hasVictoria, skip: '/usr/bin/victoria-metrics, Debian package victoria-metrics', start: () => Upstream.victoria(), protocol: 1, flush: true },
];

for (const u of UPSTREAMS) {
  describe.skipIf(!u.installed)(`forwarding to ${u.name} (skipped: ${u.skip}, is not installed)`, () => {
    let upstream: Upstream;
    beforeAll(async () => {
      upstream = await u.start();
    });
    afterAll(async () => {
      await upstream?.remove();
    });

    it(`delivers every point with the store’s labels${u.protocol === 2 ? '; remote write 2.0 falls back to 1.0' : ''}`, async () => {
      const { mirror, agent } = await forwardWorkload(upstream, u.protocol);
      try {
        if (u.protocol === 2) expect(agent.cairn.logs.some((l) => l['msg'] === 'remote write 2.0 not acknowledged by the receiver; using 1.0 for this endpoint')).toBe(true);
        if (u.flush) await fetch(`${upstream.baseUrl}/internal/force_flush`);
        const stored = await rawSamples(upstream.baseUrl, '{__name__=~".+",job="fwd-e2e"}', Date.now() / 1000);
        expect(stored.size).toBeGreaterThan(0);
        expect(pointsAndInfos(stored.keys())).toEqual(pointsAndInfos(mirror.accepted.keys()));
        expectWorkloadValues(stored);
      } finally {
        await agent.stop();
        await mirror.close();
      }
    });
  });
}
