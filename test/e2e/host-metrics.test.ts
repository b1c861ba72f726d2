import { readFileSync, statfsSync } from 'node:fs';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredPoint } from '../../src/store/index.js';
import { startTestAgent, waitFor } from '../support/agent.js';
import type { TestAgent } from '../support/agent.js';
import { tempDir } from '../support/cli.js';
import type { RunningAgent } from '../support/store-agent.js';
import { eventually, problems, startStoreAgent, writeStoreConfig } from '../support/store-agent.js';

// Host metrics from a running agent, at a 1 s interval: first as OTel series in the store
// (names, kinds, units, attributes, resource), then through the query API against /proc.

const INTERVAL_MS = 1000;

/** name → [kind, monotonic, unit] as the OTel Collector's hostmetrics receiver emits them. */
const EXPECTED: Readonly<Record<string, readonly [string, boolean, string]>> = {
  'system.cpu.time': ['sum', true, 's'],
  'system.cpu.utilization': ['gauge', false, '1'],
  'system.memory.usage': ['sum', false, 'By'],
  'system.memory.utilization': ['gauge', false, '1'],
  'system.cpu.load_average.1m': ['gauge', false, '{thread}'],
  'system.cpu.load_average.5m': ['gauge', false, '{thread}'],
  'system.cpu.load_average.15m': ['gauge', false, '{thread}'],
  'system.disk.io': ['sum', true, 'By'],
  'system.disk.operations': ['sum', true, '{operations}'],
  'system.disk.io_time': ['sum', true, 's'],
  'system.disk.operation_time': ['sum', true, 's'],
  'system.filesystem.usage': ['sum', false, 'By'],
  'system.filesystem.inodes.usage': ['sum', false, '{inodes}'],
  'system.filesystem.utilization': ['gauge', false, '1'],
  'system.network.io': ['sum', true, 'By'],
  'system.network.packets': ['sum', true, '{packets}'],
  'system.network.errors': ['sum', true, '{errors}'],
  'system.network.dropped': ['sum', true, '{packets}'],
  'system.paging.operations': ['sum', true, '{operations}'],
  'system.processes.count': ['sum', false, '{processes}'],
  'system.processes.created': ['sum', true, '{processes}'],
  'system.uptime': ['gauge', false, 's'],
};

/** Attribute keys each metric's points carry. */
const ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  'system.cpu.time': ['cpu', 'state'],
  'system.memory.usage': ['state'],
  'system.disk.io': ['device', 'direction'],
  'system.disk.io_time': ['device'],
  'system.filesystem.usage': ['device', 'mode', 'mountpoint', 'state', 'type'],
  'system.filesystem.utilization': ['device', 'mode', 'mountpoint', 'type'],
  'system.network.io': ['device', 'direction'],
  'system.paging.operations': ['direction', 'type'],
  'system.processes.count': ['status'],
};

const meminfoBytes = (key: string): number => {
  const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/meminfo', 'utf8'));
  if (m === null) throw new Error(`no ${key} in /proc/meminfo`);
  return Number(m[1]) * 1024;
};

/** The mount point holding `path`: the longest mount point that is a prefix of it. */
function mountPointOf(path: string): string {
  let best = '/';
  for (const line of readFileSync('/proc/self/mounts', 'utf8').split('\n')) {
    const mp = line.split(' ')[1]?.replace(/\\040/g, ' ');
    if (mp !== undefined && (path === mp || path.startsWith(mp.endsWith('/') ? mp : `${mp}/`)) && mp.length > best.length) best = mp;
  }
  return best;
}

describe.skipIf(process.platform !== 'linux')('host metrics in the store (in-process agent; skipped off Linux: compares with /proc)', () => {
  let t: TestAgent;
  let points: StoredPoint[];
  beforeAll(async () => {
    t = await startTestAgent({ config: { host: { enabled: true, interval: '1s' } } });
    const ticks = (): number => new Set([...t.memory.points()].filter((p) => p.series.name === 'system.cpu.time').map((p) => p.timeMs)).size;
    await waitFor(() => ticks() >= 2, 10_000, 'two host intervals');
    points = [...t.memory.points()];
  });
  afterAll(() => t?.close());

  it('has every metric with the semantic-convention kind, unit and attributes', () => {
    const byName = new Map(points.map((p) => [p.series.name, p.series]));
    for (const [name, [kind, monotonic, unit]] of Object.entries(EXPECTED)) {
      const def = byName.get(name);
      expect(def, name).toBeDefined();
      expect([def!.kind, def!.monotonic, def!.unit], name).toEqual([kind, monotonic, unit]);
      if (kind === 'sum') expect(def!.temporality, name).toBe('cumulative');
    }
    for (const [name, keys] of Object.entries(ATTRIBUTES)) {
      for (const p of points.filter((q) => q.series.name === name)) expect(p.series.attributes.map(([k]) => k), name).toEqual(keys);
    }
  });

  it('carries the host resource on every series', () => {
    const resource = Object.fromEntries(points[0]!.series.resource);
    expect(resource['host.name']).toBe(os.hostname());
    expect(resource['os.type']).toBe('linux');
    expect(resource['host.arch']).toBe(({ x64: 'amd64', arm64: 'arm64' } as Record<string, string>)[process.arch] ?? expect.any(String));
    const machineId = readFileSync('/etc/machine-id', 'utf8').trim();
    expect(resource['host.id']).toBe(machineId);
    for (const p of points) expect(p.series.resource).toEqual(points[0]!.series.resource);
  });

  it('stamps every point with an interval-aligned time and counters with the boot time', () => {
    const btime = Number(/^btime (\d+)/m.exec(readFileSync('/proc/stat', 'utf8'))![1]) * 1000;
    for (const p of points) {
      expect(p.timeMs % INTERVAL_MS).toBe(0);
      if (p.series.kind === 'sum') expect(p.startMs).toBe(btime);
    }
  });
});

describe.skipIf(process.platform !== 'linux')('host metrics through the query API (agent process; skipped off Linux: compares with /proc)', () => {
  const dir = tempDir('cairn-host-');
  let agent: RunningAgent;
  let firstTick = 0;
  beforeAll(async () => {
    const config = writeStoreConfig(dir.dir, 'cairn.yaml', `${dir.dir}/store`, {}, 'host:\n  interval: 1s\n  process:\n    enabled: true\n    top: 3\ntelemetry:\n  interval: 1s\n');
    agent = await startStoreAgent(config);
    const ticks = async (): Promise<number> => (await agent.api.queryRange('system_uptime_seconds', Date.now() - 60_000, Date.now(), INTERVAL_MS)).flatMap((s) => s.values).length;
    await eventually(async () => (await ticks()) >= 3, 15_000, 'three host intervals');
    const [uptime] = await agent.api.queryRange('system_uptime_seconds', Date.now() - 60_000, Date.now(), INTERVAL_MS);
    firstTick = uptime!.values[0]![0] * 1000;
  });
  afterAll(async () => {
    await agent?.stop();
    dir.remove();
  });

  it('memory states add up to MemTotal, and the limit is MemTotal', async () => {
    const at = firstTick;
    const usage = await agent.api.query('system_memory_usage_bytes', at);
    const states = Object.fromEntries(usage.map((s) => [s.metric['state'], Number(s.value[1])]));
    expect(Object.keys(states).sort()).toEqual(['buffered', 'cached', 'free', 'slab_reclaimable', 'slab_unreclaimable', 'used']);
    const total = meminfoBytes('MemTotal');
    expect(states['used']! + states['free']! + states['buffered']! + states['cached']! + states['slab_reclaimable']!).toBe(total);
    const [limit] = await agent.api.query('system_memory_limit_bytes', at);
    expect(Number(limit!.value[1])).toBe(total);
  });

  it('CPU time is per CPU and state, and never goes down', async () => {
    const series = await agent.api.queryRange('system_cpu_time_seconds_total', firstTick, Date.now(), INTERVAL_MS);
    const cpus = new Set(series.map((s) => s.metric['cpu']));
    expect([...cpus].sort()).toEqual(os.cpus().map((_, i) => `cpu${i}`).sort());
    expect(new Set(series.map((s) => s.metric['state']))).toEqual(new Set(['user', 'system', 'idle', 'interrupt', 'nice', 'softirq', 'steal', 'wait']));
    let moved = 0;
    for (const s of series) {
      expect(s.values.length).toBeGreaterThanOrEqual(2);
      for (let i = 1; i < s.values.length; i++) {
        expect(Number(s.values[i]![1])).toBeGreaterThanOrEqual(Number(s.values[i - 1]![1]));
        if (Number(s.values[i]![1]) > Number(s.values[i - 1]![1])) moved++;
      }
    }
    expect(moved).toBeGreaterThan(0);
  });

  it('the file system holding the temp dir is there, its states adding up to its size', async () => {
    const mountpoint = mountPointOf(dir.dir);
    const usage = await agent.api.query(`system_filesystem_usage_bytes{mountpoint="${mountpoint}"}`, firstTick);
    expect(usage.map((s) => s.metric['state']).sort()).toEqual(['free', 'reserved', 'used']);
    const sum = usage.reduce((n, s) => n + Number(s.value[1]), 0);
    const st = statfsSync(dir.dir);
    expect(sum).toBe(st.blocks * st.bsize);
    const used = Number(usage.find((s) => s.metric['state'] === 'used')!.value[1]);
    expect(used).toBeGreaterThan(0);
    const [util] = await agent.api.query(`system_filesystem_utilization_ratio{mountpoint="${mountpoint}"}`, firstTick);
    expect(Number(util!.value[1])).toBeGreaterThan(0);
    expect(Number(util!.value[1])).toBeLessThanOrEqual(1);
    // Pseudo file systems are not reported.
    const all = await agent.api.query('system_filesystem_usage_bytes', firstTick);
    for (const s of all) expect(['proc', 'sysfs', 'cgroup', 'cgroup2', 'devpts']).not.toContain(s.metric['type']);
  });

  it('network counters include the loopback interface', async () => {
    const io = await agent.api.query('system_network_io_bytes_total{device="lo"}', firstTick);
    expect(io.map((s) => s.metric['direction']).sort()).toEqual(['receive', 'transmit']);
  });

  it('gives host series job="cairn-host" and instance=<host name>; target_info carries the host resource', async () => {
    const [uptime] = await agent.api.query('system_uptime_seconds', firstTick);
    expect(uptime!.metric).toMatchObject({ job: 'cairn-host', instance: os.hostname(), otel_scope_name: 'cairn/hostmetrics' });
    expect(uptime!.metric['host_name']).toBeUndefined();
    const [info] = await agent.api.query('target_info{job="cairn-host"}', firstTick);
    expect(info!.metric).toMatchObject({ instance: os.hostname(), host_name: os.hostname(), os_type: 'linux' });
  });

  it('per-process metrics (host.process) are one series per process, the busiest first', async () => {
    const rss = await agent.api.query('process_memory_usage_bytes', Date.now());
    const pids = new Set(rss.map((s) => s.metric['process_pid']));
    expect(pids.size).toBeGreaterThanOrEqual(3);
    for (const s of rss) {
      expect(s.metric['process_pid']).toMatch(/^\d+$/);
      expect(s.metric['process_executable_name']).toBeTruthy();
      expect(Number(s.value[1])).toBeGreaterThan(0);
    }
    const cpu = await agent.api.query('process_cpu_time_seconds_total', Date.now());
    expect(new Set(cpu.map((s) => s.metric['state']))).toEqual(new Set(['user', 'system']));
  });

  it('logs no problem while collecting', () => {
    expect(problems(agent.cairn)).toEqual([]);
  });
});
