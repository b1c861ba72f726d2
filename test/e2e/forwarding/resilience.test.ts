// Forwarding through the failures the promise is about, with the agent as a child process and
// a load that remembers exactly which points the agent acknowledged: SIGKILL of the agent mid-
// send, an upstream outage (a real VictoriaMetrics stopped and restarted), failover between
// endpoints and back, and an outage longer than the WAL's share of the disk budget.
import { afterEach, describe, expect, it } from 'vitest';
import { AckedLoad } from '../../support/acked-load.js';
import { ackedKeys, missingFrom } from '../../support/acked-keys.js';
import { FakeUpstream } from '../../support/fake-upstream.js';
import { caughtUp, exporterStatus, startForwardingAgent } from '../../support/forwarding-agent.js';
import { tempDir } from '../../support/cli.js';
import type { RunningAgent } from '../../support/store-agent.js';
import { eventually, sleep } from '../../support/store-agent.js';
import { hasPrometheus, hasVictoria, rawSamples, Upstream } from '../../support/upstreams.js';

const FAST = { retry: { initial: '20ms', max: '200ms' }, timeout: '2s' };
let cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  cleanups = [];
});

function newLoad(prefix: string): AckedLoad {
  return new AckedLoad({ prefix, senders: 2, seriesPerSender: 5, pointsPerRequest: 5, baseMs: Date.now() - 3_600_000, stepMs: 1000, pauseMs: 20 });
}


async function agentOn(store: string, entries: Record<string, Record<string, unknown>>, keys: Record<string, string | number | Record<string, string | number>> = {}): Promise<RunningAgent> {
  const a = await startForwardingAgent(store, entries, keys);
  cleanups.push(() => a.kill());
  return a;
}

describe('forwarding resilience', () => {
  it('delivers every acknowledged point after SIGKILL of the agent mid-send, over several cycles', async () => {
    const upstream = await FakeUpstream.start();
    cleanups.push(() => upstream.close());
    // A slow upstream keeps requests in flight when the kill comes.
    upstream.script = () => ({ status: 204 });
    const store = tempDir('cairn-fwd-kill-').dir;
    const load = newLoad('kill9');
    for (let cycle = 0; cycle < 3; cycle++) {
      const agent = await agentOn(store, { up: { kind: 'prometheus_remote_write', endpoints: [upstream.url], max_batch_points: 20, ...FAST } });
      const run = load.run(agent.grpc);
      await eventually(() => upstream.requests.length > (cycle + 1) * 10, 10_000, 'requests reaching the upstream');
      await agent.kill();
      run.stop();
      await run.done;
    }
    const agent = await agentOn(store, { up: { kind: 'prometheus_remote_write', endpoints: [upstream.url], max_batch_points: 20, ...FAST } });
    const [status] = await caughtUp(agent);
    const acked = ackedKeys(load);
    expect(acked.size).toBeGreaterThan(100);
    expect(missingFrom(acked, (k) => upstream.accepted.has(k))).toEqual([]);
    expect(status!.droppedPoints).toEqual({});
    await agent.stop();
  });

  it.skipIf(!hasPrometheus)('SIGKILL cycles against a real Prometheus: resent points it already has count as delivered, none dropped (skipped without /usr/bin/prometheus)', { timeout: 60_000 }, async () => {
    const prom = await Upstream.prometheus();
    cleanups.push(() => prom.remove());
    const store = tempDir('cairn-fwd-kill-prom-').dir;
    const entry = { kind: 'prometheus_remote_write', endpoints: [prom.writeUrl], max_batch_points: 20, ...FAST };
    const load = newLoad('killprom');
    for (let cycle = 0; cycle < 3; cycle++) {
      const agent = await agentOn(store, { up: entry });
      const run = load.run(agent.grpc);
      await eventually(async () => ((await exporterStatus(agent))[0]?.sentPoints ?? 0) > 100, 10_000, 'points reaching Prometheus');
      await agent.kill();
      run.stop();
      await run.done;
    }
    const agent = await agentOn(store, { up: entry });
    const [status] = await caughtUp(agent);
    const stored = await rawSamples(prom.baseUrl, '{__name__="killprom_value"}', Date.now() / 1000);
    const acked = ackedKeys(load);
    expect(acked.size).toBeGreaterThan(100);
    expect(missingFrom(acked, (k) => stored.has(k))).toEqual([]);
    // Prometheus refuses samples it already has (out of order): those are counted as already
    // delivered, never as dropped.
    expect(status!.droppedPoints).toEqual({});
    await agent.stop();
  });

  it('fails over to the secondary while the primary is down and returns to the primary, losing nothing', async () => {
    const primary = await FakeUpstream.start();
    const secondary = await FakeUpstream.start();
    cleanups.push(() => primary.close(), () => secondary.close());
    let primaryDown = false;
    primary.script = () => (primaryDown ? { status: 503 } : { status: 204 });
    const agent = await agentOn(tempDir('cairn-fwd-failover-').dir, {
      group: { kind: 'prometheus_remote_write', endpoints: [primary.url, secondary.url], failover_after: 2, failback_interval: '1s', max_batch_points: 20, ...FAST },
    });
    const load = newLoad('failover');
    const run = load.run(agent.grpc);
    await eventually(() => primary.accepted.size > 50, 10_000, 'primary receiving');
    primaryDown = true;
    await eventually(() => secondary.accepted.size > 50, 10_000, 'secondary receiving while the primary is down');
    expect((await exporterStatus(agent))[0]!.endpoints.map((e) => e.state)).toEqual(['circuit_open', 'active']);
    const beforeReturn = primary.accepted.size;
    primaryDown = false;
    await eventually(() => primary.accepted.size > beforeReturn + 50, 10_000, 'traffic back on the primary');
    run.stop();
    await run.done;
    const [status] = await caughtUp(agent);
    expect(status!.endpoints.map((e) => e.state)).toEqual(['active', 'standby']);
    const acked = ackedKeys(load);
    expect(missingFrom(acked, (k) => primary.accepted.has(k) || secondary.accepted.has(k))).toEqual([]);
    expect(status!.droppedPoints).toEqual({});
    await agent.stop();
  });

  /** An outage while the load writes more than the WAL's share (1 MiB of a 4 MiB budget). */
  async function outagePastTheShare(prefix: string, entry: Record<string, unknown>) {
    const upstream = await FakeUpstream.start();
    cleanups.push(() => upstream.close());
    let down = true;
    upstream.script = () => (down ? { status: 503 } : { status: 204 });
    const agent = await agentOn(tempDir('cairn-fwd-budget-').dir, { up: { kind: 'prometheus_remote_write', endpoints: [upstream.url], max_batch_points: 500, ...FAST, ...entry } }, { max_disk_bytes: '4MiB' });
    const load = new AckedLoad({ prefix, senders: 2, seriesPerSender: 100, pointsPerRequest: 50, baseMs: Date.now() - 3_600_000, stepMs: 1000 });
    const run = load.run(agent.grpc);
    // The exporter sees the gap only when it reads on; the store counts the dropped segments now.
    await eventually(async () => /^cairn_store_wal_segments_dropped_unflushed_total [1-9]/m.test(await (await fetch(`${agent.api.base}/metrics`)).text()), 90_000, 'the WAL share exhausted');
    run.stop();
    await run.done;
    down = false;
    const [status] = await caughtUp(agent, 60_000);
    const acked = ackedKeys(load);
    await agent.stop();
    return { status: status!, acked, missing: missingFrom(acked, (k) => upstream.accepted.has(k)) };
  }

  it('counts exactly what an outage longer than the WAL share cost (pages_backfill off)', { timeout: 120_000 }, async () => {
    const { status, missing } = await outagePastTheShare('budget', { pages_backfill: false });
    expect(missing.length).toBeGreaterThan(0);
    expect(status.droppedPoints).toEqual({ wal_dropped: missing.length });
  });

  it('re-sends the span the WAL lost from the store’s pages: nothing acknowledged is missing', { timeout: 120_000 }, async () => {
    const { status, acked, missing } = await outagePastTheShare('backfill', {});
    expect(acked.size).toBeGreaterThan(1000);
    expect(status.recoveredPoints).toBeGreaterThan(0);
    expect(missing).toEqual([]);
    expect(status.droppedPoints).toEqual({});
  });

  it.skipIf(!hasVictoria)('loses no acknowledged point through a VictoriaMetrics outage (skipped without /usr/bin/victoria-metrics)', async () => {
    const vm = await Upstream.victoria();
    cleanups.push(() => vm.remove());
    const agent = await agentOn(tempDir('cairn-fwd-outage-').dir, { vm: { kind: 'prometheus_remote_write', endpoints: [vm.writeUrl], max_batch_points: 200, ...FAST } });
    const load = newLoad('outage');
    const run = load.run(agent.grpc);
    await sleep(1000);
    await vm.stop('SIGTERM');
    await eventually(async () => ((await exporterStatus(agent))[0]!.pendingPoints ?? 0) > 200, 10_000, 'a backlog during the outage');
    await vm.start();
    await sleep(1000);
    run.stop();
    await run.done;
    const [status] = await caughtUp(agent);
    await fetch(`${vm.baseUrl}/internal/force_flush`);
    // VictoriaMetrics keeps about 15 significant digits of a float: match series and time
    // exactly, the value to 1e-12 relative.
    const stored = new Map<string, number>();
    for (const k of (await rawSamples(vm.baseUrl, '{__name__="outage_value"}', Date.now() / 1000)).keys()) {
      const at = k.lastIndexOf('=');
      stored.set(k.slice(0, at), Number(k.slice(at + 1)));
    }
    const acked = ackedKeys(load);
    expect(acked.size).toBeGreaterThan(100);
    const close = (k: string): boolean => {
      const at = k.lastIndexOf('=');
      const v = stored.get(k.slice(0, at));
      const want = Number(k.slice(at + 1));
      return v !== undefined && Math.abs(v - want) <= 1e-12 * Math.abs(want);
    };
    expect(missingFrom(acked, close)).toEqual([]);
    expect(status!.droppedPoints).toEqual({});
    await agent.stop();
  });
});

describe('graceful drain', () => {
  it('SIGTERM delivers the backlog before exiting 0; nothing committed is sent again after the restart', async () => {
    const upstream = await FakeUpstream.start();
    cleanups.push(() => upstream.close());
    // A slow upstream: the backlog is still there when the signal comes.
    upstream.script = () => ({ status: 204, delayMs: 100 });
    const store = tempDir('cairn-fwd-drain-').dir;
    const entry = { kind: 'prometheus_remote_write', endpoints: [upstream.url], max_batch_points: 50, ...FAST };
    const agent = await agentOn(store, { up: entry });
    const load = newLoad('drain');
    const run = load.run(agent.grpc);
    await eventually(async () => ((await exporterStatus(agent))[0]!.pendingPoints ?? 0) > 300, 10_000, 'a backlog behind the slow upstream');
    run.stop();
    await run.done;
    const exit = await agent.stop();
    expect(exit).toEqual({ code: 0, signal: null });
    expect(agent.cairn.logs.some((l) => l['msg'] === 'exporter stopped')).toBe(true);
    const acked = ackedKeys(load);
    const afterDrain = missingFrom(acked, (k) => upstream.accepted.has(k)).length;
    // The shutdown deadline (5 s here) is enough for this backlog: nothing left.
    expect(afterDrain).toBe(0);
    // Restarted, the agent resends nothing it had committed.
    const requestsBefore = upstream.requests.length;
    const again = await agentOn(store, { up: entry });
    const [status] = await caughtUp(again);
    expect(status!.replayedPoints).toBe(0);
    expect(upstream.requests.length).toBe(requestsBefore);
    await again.stop();
  });

  it('SIGTERM with the upstream down exits 0 within the deadline; the backlog goes after the restart', async () => {
    const upstream = await FakeUpstream.start();
    cleanups.push(() => upstream.close());
    let down = true;
    upstream.script = () => (down ? { status: 503 } : { status: 204 });
    const store = tempDir('cairn-fwd-drain-down-').dir;
    const entry = { kind: 'prometheus_remote_write', endpoints: [upstream.url], max_batch_points: 50, ...FAST };
    const agent = await agentOn(store, { up: entry });
    const load = newLoad('drain_down');
    const run = load.run(agent.grpc);
    await eventually(() => upstream.requests.length > 5, 10_000, 'refused attempts');
    run.stop();
    await run.done;
    expect(await agent.stop()).toEqual({ code: 0, signal: null });
    const acked = ackedKeys(load);
    expect(missingFrom(acked, (k) => upstream.accepted.has(k)).length).toBe(acked.size);
    down = false;
    const again = await agentOn(store, { up: entry });
    const [status] = await caughtUp(again);
    expect(missingFrom(acked, (k) => upstream.accepted.has(k))).toEqual([]);
    expect(status!.droppedPoints).toEqual({});
    await again.stop();
  });
});
