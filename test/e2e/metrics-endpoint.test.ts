import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/cli.js';
import { expectGrpcOk, RawExportClient } from '../support/grpc-client.js';
import { httpRequest, postMetrics } from '../support/http-client.js';
import { gaugeProto } from '../support/payloads.js';
import type { RunningAgent } from '../support/store-agent.js';
import { startStoreAgent, writeStoreConfig } from '../support/store-agent.js';
import type { ParsedFamily } from '../telemetry/text-format.js';
import { parseExposition, sampleValue } from '../telemetry/text-format.js';

// GET /metrics of the real agent process (on a disk store), read with a strict parser of the
// text format and with promtool, before and after it received OTLP data.

const promtool = spawnSync('promtool', ['--version']).status === 0;

const dir = tempDir('cairn-metrics-');
let agent: RunningAgent;
let client: RawExportClient;
let before: { text: string; families: Map<string, ParsedFamily> };
let after: { text: string; families: Map<string, ParsedFamily> };

const POINTS = 5;
const request = (name: string): Buffer => gaugeProto({ name, points: Array.from({ length: POINTS }, (_, i) => ({ value: i, attributes: { i: String(i) } })) });

async function scrape(): Promise<{ text: string; families: Map<string, ParsedFamily> }> {
  const r = await httpRequest(`${agent.api.base}/metrics`, { method: 'GET' });
  expect(r.status).toBe(200);
  expect(r.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = r.body.toString('utf8');
  return { text, families: parseExposition(text) };
}

beforeAll(async () => {
  const config = writeStoreConfig(dir.dir, 'metrics.yaml', `${dir.dir}/store`, {});
  agent = await startStoreAgent(config);
  client = new RawExportClient(agent.grpc);
  before = await scrape();
  expectGrpcOk(await client.export(request('metrics_endpoint_grpc')));
  expect((await postMetrics(agent.httpUrl, request('metrics_endpoint_http'))).status).toBe(200);
  after = await scrape();
}, 60_000);

afterAll(async () => {
  client?.close();
  await agent?.stop();
  dir.remove();
});

const value = (families: Map<string, ParsedFamily>, name: string, labels: Record<string, string> = {}): number => sampleValue(families, name, labels) ?? 0;

describe('GET /metrics', () => {
  it('serves every family the issue lists, each parsing strictly (HELP and TYPE first, no duplicates, counters in _total)', () => {
    const names = new Set(after.families.keys());
    for (const name of [
      'cairn_receiver_accepted_points_total',
      'cairn_receiver_request_duration_seconds',
      'cairn_pipeline_inflight_bytes',
      'cairn_workers_max',
      'cairn_workers_running',
      'cairn_workers_queue_depth',
      'cairn_workers_busy_seconds_total',
      'cairn_workers_utilization',
      'cairn_workers_crashes_total',
      'cairn_store_wal_bytes',
      'cairn_store_wal_segments',
      'cairn_store_datafiles',
      'cairn_store_disk_bytes',
      'cairn_store_disk_budget_bytes',
      'cairn_store_series',
      'cairn_process_resident_memory_bytes',
      'cairn_process_heap_used_bytes',
      'cairn_process_cpu_seconds_total',
      'cairn_process_event_loop_utilization',
      'cairn_process_event_loop_lag_seconds',
      'cairn_process_start_time_seconds',
    ]) {
      expect.soft(names.has(name), name).toBe(true);
    }
    expect(after.families.get('cairn_receiver_request_duration_seconds')?.type).toBe('histogram');
  });

  it('moves when OTLP data arrives: accepted points and one request duration per receiver', () => {
    for (const receiver of ['otlp_grpc', 'otlp_http']) {
      const accepted = (f: Map<string, ParsedFamily>): number => value(f, 'cairn_receiver_accepted_points_total', { receiver });
      const requests = (f: Map<string, ParsedFamily>): number => value(f, 'cairn_receiver_request_duration_seconds_count', { receiver, outcome: 'ok' });
      expect(accepted(after.families) - accepted(before.families), receiver).toBe(POINTS);
      expect(requests(after.families) - requests(before.families), receiver).toBe(1);
      expect(value(after.families, 'cairn_receiver_request_duration_seconds_bucket', { receiver, outcome: 'ok', le: '+Inf' }), receiver).toBe(requests(after.families));
    }
    expect(value(after.families, 'cairn_store_series')).toBeGreaterThanOrEqual(2 * POINTS);
    expect(value(after.families, 'cairn_process_cpu_seconds_total')).toBeGreaterThanOrEqual(value(before.families, 'cairn_process_cpu_seconds_total'));
  });

  it('reports the agent figures sensibly', () => {
    const f = after.families;
    expect(value(before.families, 'cairn_workers_running'), 'no decode worker before the first request').toBe(0);
    expect(value(f, 'cairn_workers_running')).toBe(1);
    expect(value(f, 'cairn_workers_max')).toBe(1);
    expect(value(f, 'cairn_process_resident_memory_bytes')).toBeGreaterThan(10 * 1024 * 1024);
    const start = value(f, 'cairn_process_start_time_seconds');
    expect(start).toBeLessThanOrEqual(Date.now() / 1000);
    expect(start).toBeGreaterThan(Date.now() / 1000 - 600);
    const elu = value(f, 'cairn_process_event_loop_utilization');
    expect(elu).toBeGreaterThanOrEqual(0);
    expect(elu).toBeLessThanOrEqual(1);
    expect(value(f, 'cairn_store_wal_segments')).toBeGreaterThanOrEqual(1);
    expect(value(f, 'cairn_store_disk_budget_bytes')).toBeGreaterThan(value(f, 'cairn_store_disk_bytes'));
  });

  it.skipIf(!promtool)('passes promtool check metrics (skipped: promtool not installed; it comes with the Debian package prometheus)', () => {
    for (const { text } of [before, after]) {
      const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
      expect(`${r.stdout}${r.stderr}`).toBe('');
      expect(r.status).toBe(0);
    }
  });
});
