// Upstream faults from a scripted remote write receiver, against a real store and exporter in
// this process: every point is delivered or dropped and counted, exactly.
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../support/store-agent.js';
import { FakeUpstream } from '../support/fake-upstream.js';
import { appendGauges, recordingLogger, startExporter } from '../support/exporter-harness.js';

const FAST_RETRY = { initial: '10ms', max: '40ms', auth_interval: '30ms', park_after: 2 };

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

async function setup(script: FakeUpstream['script'], entry: Record<string, unknown> = {}, logger = recordingLogger()) {
  const upstream = await FakeUpstream.start();
  upstream.script = script;
  const running = await startExporter({ kind: 'prometheus_remote_write', endpoints: [upstream.url], max_batch_points: 50, timeout: '300ms', retry: FAST_RETRY, ...entry }, { logger });
  cleanups.push(() => upstream.close(), () => running.stop());
  return { upstream, logger, ...running };
}

const delivered = (u: FakeUpstream) => u.counts().distinct;

describe('exporter against upstream faults', () => {
  it('honours Retry-After on 429: no request before the delay, then everything arrives', async () => {
    const { upstream, store, exporter } = await setup((_r, i) => (i === 0 ? { status: 429, headers: { 'Retry-After': '1' } } : { status: 204 }));
    const sent = await appendGauges(store, 10, 3);
    await eventually(() => delivered(upstream) === sent, 10_000, 'all points delivered');
    expect(upstream.requests[1]!.at - upstream.requests[0]!.at).toBeGreaterThanOrEqual(1000);
    expect(exporter.status().droppedPoints).toEqual({});
  });

  it('keeps retrying 503 with backoff and loses nothing when the upstream recovers', async () => {
    let down = true;
    const { upstream, store, exporter } = await setup(() => (down ? { status: 503 } : { status: 204 }), { retry: { ...FAST_RETRY, max: '200ms' } });
    const sent = await appendGauges(store, 20, 10);
    await eventually(() => upstream.requests.length >= 8, 10_000, 'several refused attempts');
    // Bounded memory: while refused, the exporter holds the request it retries and one read ahead.
    expect(sent - exporter.status().pendingPoints!).toBeLessThanOrEqual(2 * 50);
    expect(exporter.status().inFlight).toBeLessThanOrEqual(1);
    expect(exporter.status().failedPoints['unavailable']).toBeGreaterThan(0);
    down = false;
    await eventually(() => delivered(upstream) === sent, 10_000, 'all points delivered after recovery');
    expect(exporter.status().droppedPoints).toEqual({});
    expect(exporter.status().pendingPoints).toBe(0);
  });

  it('drops a batch answered 400, counts its points, logs the reason once, delivers the rest', async () => {
    const logger = recordingLogger();
    // Every request holding round 1 (values 1000-1019) is refused as invalid.
    const { upstream, store, exporter } = await setup((r) => (r.series.some((s) => s.samples.some((p) => p.v >= 1000 && p.v < 2000)) ? { status: 400, body: 'bad label' } : { status: 204 }), { max_batch_points: 20 }, logger);
    const sent = await appendGauges(store, 20, 4);
    await eventually(() => delivered(upstream) + (exporter.status().droppedPoints['rejected'] ?? 0) === sent, 10_000, 'every point delivered or dropped');
    expect(exporter.status().droppedPoints).toEqual({ rejected: 20 });
    expect(delivered(upstream)).toBe(sent - 20);
    expect(logger.lines.filter((l) => l.msg === 'exporter dropped points')).toHaveLength(1);
  });

  it('splits a request answered 413 and delivers the halves', async () => {
    const { upstream, store, exporter } = await setup((r) => (r.points > 12 ? { status: 413 } : { status: 204 }));
    const sent = await appendGauges(store, 50, 2);
    await eventually(() => delivered(upstream) === sent, 10_000, 'all points delivered in smaller requests');
    expect(upstream.requests.some((r) => r.points > 12)).toBe(true);
    expect(upstream.requests.filter((r) => r.points <= 12).reduce((n, r) => n + r.points, 0)).toBe(sent);
    expect(exporter.status().droppedPoints).toEqual({});
  });

  it('parks one poisoned point after bisection and delivers every other point', async () => {
    const poison = (v: number) => v === 2007;
    const { upstream, store, exporter } = await setup((r) => (r.series.some((s) => s.samples.some((p) => poison(p.v))) ? { status: 500, body: 'cannot store' } : { status: 204 }));
    const sent = await appendGauges(store, 20, 5);
    await eventually(() => (exporter.status().droppedPoints['parked'] ?? 0) === 1 && delivered(upstream) === sent - 1, 15_000, 'the poisoned point parked, the rest delivered');
    expect(exporter.status().droppedPoints).toEqual({ parked: 1 });
  });

  it('keeps the data through 401 (blocked) and delivers it once the credentials work', async () => {
    let refused = true;
    const { upstream, store, exporter } = await setup(() => (refused ? { status: 401, body: 'token expired' } : { status: 204 }), { headers: { Authorization: 'Bearer x' } });
    const sent = await appendGauges(store, 10, 3);
    await eventually(() => exporter.status().state === 'blocked', 5000, 'exporter reported blocked');
    expect(exporter.status().endpoints[0]!.state).toBe('blocked');
    expect(upstream.requests[0]!.headers['authorization']).toBe('Bearer x');
    refused = false;
    await eventually(() => delivered(upstream) === sent, 10_000, 'all points delivered');
    expect(exporter.status().droppedPoints).toEqual({});
    expect(exporter.status().state).toBe('running');
  });

  it('times out a hung request and delivers on retry', async () => {
    const { upstream, store, exporter } = await setup((_r, i) => (i < 2 ? 'hang' : { status: 204 }));
    const sent = await appendGauges(store, 10, 3);
    await eventually(() => delivered(upstream) === sent, 10_000, 'all points delivered after timeouts');
    expect(exporter.status().failedPoints['timeout']).toBeGreaterThan(0);
    expect(exporter.status().droppedPoints).toEqual({});
  });

  it('retries through connection resets', async () => {
    const { upstream, store, exporter } = await setup((_r, i) => (i % 2 === 0 ? 'reset' : { status: 204 }));
    const sent = await appendGauges(store, 10, 6);
    await eventually(() => delivered(upstream) === sent, 10_000, 'all points delivered');
    expect(exporter.status().failedPoints['network']).toBeGreaterThan(0);
    expect(exporter.status().droppedPoints).toEqual({});
  });

  it('with shards, keeps one request per shard in flight and every series in order', async () => {
    let inFlight = 0;
    let most = 0;
    const { upstream, store, exporter } = await setup(() => {
      most = Math.max(most, ++inFlight);
      setTimeout(() => inFlight--, 20);
      return { status: 204, delayMs: 20 };
    }, { shards: 3, max_batch_points: 30 });
    const sent = await appendGauges(store, 30, 10);
    await eventually(() => delivered(upstream) === sent, 10_000, 'all points delivered');
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(3);
    // Per series, the times arrive only growing, request after request.
    const last = new Map<string, number>();
    for (const r of upstream.requests) {
      for (const s of r.series) {
        for (const p of s.samples) {
          const key = JSON.stringify(s.labels);
          expect(p.t).toBeGreaterThan(last.get(key) ?? -Infinity);
          last.set(key, p.t);
        }
      }
    }
    expect(exporter.status().droppedPoints).toEqual({});
  });
});
