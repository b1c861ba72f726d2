import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/cli.js';
import { expectGrpcOk, RawExportClient } from '../support/grpc-client.js';
import { httpRequest } from '../support/http-client.js';
import { gaugeProto } from '../support/payloads.js';
import type { RunningAgent } from '../support/store-agent.js';
import { eventually, sleep, startStoreAgent, writeStoreConfig } from '../support/store-agent.js';
import { parseExposition } from '../telemetry/text-format.js';

// The agent's own metrics written into its own store every interval: queryable through the
// query API under the names GET /metrics serves, with job="cairn" and the host's instance.

const INTERVAL_MS = 1000;
const dir = tempDir('cairn-self-');
let agent: RunningAgent;

const scrape = async () => parseExposition((await httpRequest(`${agent.api.base}/metrics`, { method: 'GET' })).body.toString('utf8'));

beforeAll(async () => {
  const config = writeStoreConfig(dir.dir, 'self.yaml', `${dir.dir}/store`, {}, 'host:\n  interval: 1s\ntelemetry:\n  interval: 1s\n');
  agent = await startStoreAgent(config);
  const client = new RawExportClient(agent.grpc);
  expectGrpcOk(await client.export(gaugeProto({ name: 'self_store_probe', points: [{ value: 1, attributes: {} }, { value: 2, attributes: { a: 'b' } }] })));
  client.close();
  // Two more intervals: the counters after the request are in the store.
  await sleep(2 * INTERVAL_MS + 300);
}, 60_000);

afterAll(async () => {
  await agent?.stop();
  dir.remove();
});

describe('self metrics in the store', () => {
  it('every family served at /metrics is queryable by the same name', async () => {
    const families = await scrape();
    const now = Date.now();
    const missing: string[] = [];
    for (const f of families.values()) {
      const name = f.type === 'histogram' ? `${f.name}_count` : f.name;
      const found = await agent.api.query(`${name}{job="cairn"}`, now);
      if (found.length === 0) missing.push(name);
    }
    expect(missing).toEqual([]);
    expect(families.size).toBeGreaterThan(20);
  });

  it('carries job="cairn" and the host name as instance, with the host resource on target_info', async () => {
    const [accepted] = await agent.api.query('cairn_receiver_accepted_points_total{receiver="otlp_grpc"}', Date.now());
    expect(accepted!.metric).toMatchObject({ job: 'cairn', instance: os.hostname(), otel_scope_name: 'cairn/self' });
    const [info] = await agent.api.query('target_info{job="cairn"}', Date.now());
    expect(info!.metric).toMatchObject({ instance: os.hostname(), host_name: os.hostname(), os_type: 'linux' });
  });

  it('stores the values /metrics showed, every interval, as counters from the agent start', async () => {
    // accepted{otlp_grpc} stays at 2 after the one request: the stored value equals the served one.
    const served = [...(await scrape()).get('cairn_receiver_accepted_points_total')!.samples].find((s) => s.labels['receiver'] === 'otlp_grpc');
    expect(served!.value).toBe(2);
    await eventually(async () => {
      const [series] = await agent.api.queryRange('cairn_receiver_accepted_points_total{receiver="otlp_grpc"}', Date.now() - 30_000, Date.now(), INTERVAL_MS);
      return Number(series?.values.at(-1)?.[1]) === 2;
    }, 10_000, 'the stored accepted count to reach the served 2');
    // Host points are counted too, under their own source, and grow every interval.
    await eventually(async () => {
      const host = await agent.api.queryRange('cairn_receiver_accepted_points_total{receiver="host"}', Date.now() - 30_000, Date.now(), INTERVAL_MS);
      const vals = host[0]?.values.map((v) => Number(v[1])) ?? [];
      return vals.length >= 2 && vals.at(-1)! > vals[0]!;
    }, 10_000, 'host accepted points growing in the store');
  });

  it('stores the request duration histogram with its buckets', async () => {
    const buckets = await agent.api.query('cairn_receiver_request_duration_seconds_bucket{receiver="otlp_grpc",outcome="ok"}', Date.now());
    const inf = buckets.find((b) => b.metric['le'] === '+Inf');
    expect(Number(inf!.value[1])).toBe(1);
    expect(buckets.length).toBeGreaterThan(10);
  });
});
