// Catch-up controls: catch_up_rate paces a backlog (never live data), max_age skips and counts.
import { afterEach, describe, expect, it } from 'vitest';
import { CatchUpLimiter } from '../../src/exporters/rate-limit.js';
import { FakeUpstream } from '../support/fake-upstream.js';
import { appendGauges, recordingLogger, startExporter } from '../support/exporter-harness.js';
import { eventually } from '../support/store-agent.js';

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

describe('catch_up_rate', () => {
  it('spaces a backlog to the rate and lets live data through', () => {
    let now = 0;
    const limiter = new CatchUpLimiter(1000, () => now);
    // One second of tokens to start with, then 2,000 points wait 1 s per 1,000.
    expect(limiter.reserve(1000, true)).toBe(0);
    expect(limiter.reserve(1000, true)).toBe(1000);
    now = 1000;
    expect(limiter.reserve(2000, true)).toBe(2000);
    expect(limiter.reserve(500, false)).toBe(0);
    expect(new CatchUpLimiter(0, () => now).reserve(1e9, true)).toBe(0);
  });
});

describe('max_age', () => {
  it('skips points older than max_age, counts them, delivers the rest', async () => {
    const upstream = await FakeUpstream.start();
    const running = await startExporter({ kind: 'prometheus_remote_write', endpoints: [upstream.url], max_age: '1h' });
    cleanups.push(() => upstream.close(), () => running.stop());
    const old = await appendGauges(running.store, 10, 3, 0, undefined, Date.now() - 2 * 3_600_000);
    const fresh = await appendGauges(running.store, 10, 2, 100, undefined, Date.now() - 60_000);
    await eventually(() => upstream.counts().distinct === fresh && running.exporter.status().pendingPoints === 0, 10_000, 'fresh points delivered');
    expect(running.exporter.status().droppedPoints).toEqual({ expired: old });
  });
});

describe('fresh_first', () => {
  it('delivers live data while the backlog drains behind it, losing nothing', async () => {
    const upstream = await FakeUpstream.start();
    let down = true;
    upstream.script = () => (down ? { status: 503 } : { status: 204, delayMs: 30 });
    const logger = recordingLogger();
    const running = await startExporter({ kind: 'prometheus_remote_write', endpoints: [upstream.url], fresh_first: true, max_batch_points: 20, retry: { initial: '10ms', max: '40ms' } }, { logger });
    cleanups.push(() => upstream.close(), () => running.stop());
    // round·1000 + series: rounds 0-29 are the backlog, 1000-1001 arrive live.
    const backlog = await appendGauges(running.store, 20, 30);
    down = false;
    await eventually(() => logger.lines.some((l) => l.msg === 'exporter delivers live data ahead of its backlog'), 10_000, 'fresh-first engaged');
    const live = await appendGauges(running.store, 20, 2, 1000);
    await eventually(() => upstream.counts().distinct === backlog + live, 15_000, 'backlog and live data delivered');
    const requestOf = (pred: (v: number) => boolean) => upstream.requests.map((r, i) => (r.series.some((s) => s.samples.some((p) => pred(p.v))) ? i : -1)).filter((i) => i >= 0);
    const firstLive = Math.min(...requestOf((v) => v >= 1_000_000));
    const lastBacklog = Math.max(...requestOf((v) => v < 30_000));
    expect(firstLive).toBeLessThan(lastBacklog);
    expect(running.exporter.status().droppedPoints).toEqual({});
    await eventually(() => logger.lines.some((l) => l.msg === 'exporter drained its backlog behind live data'), 10_000, 'catch-up finished');
    // Afterwards the exporter reads on from after the live data: nothing is sent twice.
    const more = await appendGauges(running.store, 20, 1, 2000);
    await eventually(() => upstream.counts().distinct === backlog + live + more, 10_000, 'later data delivered');
    expect(upstream.counts().duplicates).toBe(0);
  });
});
