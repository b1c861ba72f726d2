// The queries admins paste from their dashboards, against a real agent collecting host metrics,
// through the HTTP API, and `promtool query` against the agent as it would against Prometheus.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/cli.js';
import type { RunningAgent } from '../support/store-agent.js';
import { eventually, startStoreAgent, writeStoreConfig } from '../support/store-agent.js';

const promtool = spawnSync('promtool', ['--version']).status === 0;

describe.skipIf(process.platform !== 'linux')('dashboard queries against a running agent (skipped off Linux: host metrics need /proc)', () => {
  const dir = tempDir('cairn-dash-');
  let agent: RunningAgent;
  let now = 0;
  beforeAll(async () => {
    const config = writeStoreConfig(dir.dir, 'cairn.yaml', `${dir.dir}/store`, {}, 'host:\n  interval: 1s\ntelemetry:\n  interval: 1s\n');
    agent = await startStoreAgent(config);
    await eventually(async () => (await agent.api.query('count(system_cpu_time_seconds_total)', Date.now())).length > 0 && (await agent.api.queryRange('system_uptime_seconds', Date.now() - 60_000, Date.now(), 1000)).flatMap((s) => s.values).length >= 4, 20_000, 'four host intervals');
    now = Date.now();
  });
  afterAll(async () => {
    await agent?.stop();
    dir.remove();
  });

  const value = async (query: string): Promise<number[]> => (await agent.api.query(query, now)).map((s) => Number(s.value[1]));

  it('CPU busy ratio: 1 - avg(rate(idle)), between 0 and 1', async () => {
    const [busy] = await value('1 - avg(rate(system_cpu_time_seconds_total{state="idle"}[1m]))');
    expect(busy).toBeGreaterThanOrEqual(0);
    expect(busy).toBeLessThanOrEqual(1);
  });

  it('CPU count the Node Exporter way: scalar(count(count(...) by (cpu)))', async () => {
    const [cpus] = await value('vector(scalar(count(count(system_cpu_time_seconds_total) by (cpu))))');
    expect(cpus).toBeGreaterThanOrEqual(1);
  });

  it('sum by, topk, > bool, predict_linear and a join on target_info', async () => {
    expect((await agent.api.query('sum by (state) (rate(system_cpu_time_seconds_total[1m]))', now)).map((s) => s.metric['state'])).toContain('idle');
    expect(await agent.api.query('topk(2, system_memory_usage_bytes)', now)).toHaveLength(2);
    expect((await value('system_uptime_seconds > bool 0'))[0]).toBe(1);
    expect(await value('predict_linear(system_filesystem_usage_bytes{state="used"}[1m], 3600)')).not.toHaveLength(0);
    const joined = await agent.api.query('system_uptime_seconds * on(job, instance) group_left(host_name) target_info', now);
    expect(joined[0]!.metric['host_name']).toBeTruthy();
  });

  it("histogram_quantile over the agent's own request latency buckets", async () => {
    const q = await agent.api.query('histogram_quantile(0.99, sum by (le) (rate(cairn_receiver_request_duration_seconds_bucket[1m])))', now);
    for (const s of q) expect(Number.isNaN(Number(s.value[1])) || Number(s.value[1]) >= 0).toBe(true);
  });

  it.skipIf(!promtool)('promtool query instant, range, series and labels (skipped: promtool not installed; Debian package prometheus)', () => {
    const url = agent.api.base;
    const run = (...args: string[]): string => {
      const r = spawnSync('promtool', ['query', ...args], { encoding: 'utf8', timeout: 20_000 });
      expect(r.status, `promtool query ${args.join(' ')}: ${r.stderr}`).toBe(0);
      return r.stdout;
    };
    expect(run('instant', url, 'sum by (job) (system_uptime_seconds)')).toMatch(/\{job="cairn-host"\} => \d/);
    const start = String(Math.floor(now / 1000) - 30);
    const end = String(Math.floor(now / 1000));
    expect(run('range', `--start=${start}`, `--end=${end}`, '--step=5s', url, 'rate(system_cpu_time_seconds_total{state="idle"}[30s])')).toMatch(/@\[\d+/);
    expect(run('series', '--match=system_uptime_seconds', url)).toContain('cairn-host');
    expect(run('labels', url, 'job')).toContain('cairn-host');
  });
});
