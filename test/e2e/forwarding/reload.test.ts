// Reloading exporters (SIGHUP to the CLI-started agent) under a load that remembers what the
// agent acknowledged: an exporter moved to another endpoint with other batching resumes from
// its cursor and loses nothing; an added exporter starts from the oldest WAL segment held; a
// removed one stops; an entry naming an unreadable file refuses the whole reload.
import { afterEach, describe, expect, it } from 'vitest';
import { AckedLoad } from '../../support/acked-load.js';
import { ackedKeys, missingFrom } from '../../support/acked-keys.js';
import { tempDir } from '../../support/cli.js';
import { FakeUpstream } from '../../support/fake-upstream.js';
import type { ForwardingAgent } from '../../support/forwarding-agent.js';
import { caughtUp, exporterStatus, startForwardingAgent } from '../../support/forwarding-agent.js';
import { eventually } from '../../support/store-agent.js';

const FAST = { retry: { initial: '20ms', max: '200ms' }, timeout: '2s' };
let cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  cleanups = [];
});

async function upstream(): Promise<FakeUpstream> {
  const u = await FakeUpstream.start();
  cleanups.push(() => u.close());
  return u;
}

async function agent(entries: Record<string, Record<string, unknown>>): Promise<ForwardingAgent> {
  const a = await startForwardingAgent(tempDir('cairn-xreload-store-').dir, entries);
  cleanups.push(() => a.kill());
  return a;
}

describe('exporter reload', () => {
  it('moves an exporter to another endpoint under load, adds and removes exporters, and loses no acknowledged point', async () => {
    const first = await upstream();
    const second = await upstream();
    const late = await upstream();
    const gone = await upstream();
    // Slow answers keep requests in flight when the reload comes.
    first.script = () => ({ status: 204, delayMs: 20 });
    const a = await agent({
      up: { kind: 'prometheus_remote_write', endpoints: [first.url], max_batch_points: 20, ...FAST },
      gone: { kind: 'prometheus_remote_write', endpoints: [gone.url], ...FAST },
    });
    const load = new AckedLoad({ prefix: 'xreload', senders: 2, seriesPerSender: 5, pointsPerRequest: 5, baseMs: Date.now() - 3_600_000, stepMs: 1000, pauseMs: 10 });
    const run = load.run(a.grpc);
    await eventually(() => first.accepted.size > 200, 15_000, 'the first endpoint receiving');

    const moved = { kind: 'prometheus_remote_write', endpoints: [second.url], max_batch_points: 70, shards: 1, ...FAST };
    expect(await a.reload({ up: moved, gone: { kind: 'prometheus_remote_write', endpoints: [gone.url], ...FAST } })).toBeNull();
    await eventually(() => second.accepted.size > 200, 15_000, 'the second endpoint receiving after the reload');
    const firstAfter = first.requests.length;

    // Added: starts from the oldest segment the WAL holds (everything here). Removed: stops.
    expect(await a.reload({ up: moved, late: { kind: 'prometheus_remote_write', endpoints: [late.url], ...FAST } })).toBeNull();
    const goneAt = gone.requests.length;
    await eventually(() => late.accepted.size > 200, 15_000, 'the added exporter receiving');
    run.stop();
    await run.done;

    const status = await caughtUp(a);
    expect(status.map((s) => s.name)).toEqual(['up', 'late']);
    for (const s of status) expect(s.droppedPoints).toEqual({});
    const acked = ackedKeys(load);
    // Counters go on across the reload: what the first endpoint got is still in the status.
    expect(status[0]!.sentPoints).toBeGreaterThanOrEqual(acked.size);
    expect(acked.size).toBeGreaterThan(500);
    expect(missingFrom(acked, (k) => first.accepted.has(k) || second.accepted.has(k))).toEqual([]);
    expect(missingFrom(acked, (k) => late.accepted.has(k))).toEqual([]);
    expect(first.requests.length).toBe(firstAfter);
    expect(gone.requests.length).toBe(goneAt);
    expect(a.cairn.logs.filter((l) => l['msg'] === 'exporter settings changed by reload; resumed from its cursor').map((l) => l['exporter'])).toEqual(['up']);
  });

  it('refuses a reload whose exporter names an unreadable certificate and keeps the running exporters', async () => {
    const u = await upstream();
    const entry = { kind: 'prometheus_remote_write', endpoints: [u.url], ...FAST };
    const a = await agent({ up: entry });
    const reason = await a.reload({ up: { ...entry, endpoints: ['https://127.0.0.1:1/api/v1/write'], tls: { ca_file: '/nonexistent/ca.pem' } } });
    expect(reason).toContain('/nonexistent/ca.pem');
    expect((await exporterStatus(a)).map((s) => [s.name, s.state, s.endpoints[0]!.endpoint])).toEqual([['up', 'running', u.url]]);
    const metrics = await a.api.metrics();
    expect(metrics.sum('cairn_config_reload_success')).toBe(0);
  });
});
