// A query must not take the agent down or stall ingest: sample limit, timeout, concurrency,
// regexes that cannot backtrack, and evaluation that hands the event loop back.
import { describe, expect, it } from 'vitest';
import { CairnError, ErrorCodes } from '../../src/errors/index.js';
import { createQueryEngine } from '../../src/query/index.js';
import { engineOver, series } from './engine-helpers.js';
import { TestStorage } from './promqltest/loader.js';

const many = Array.from({ length: 50 }, (_, i) => series({ __name__: 'load', host: `h${i}` }, 10, Array.from({ length: 360 }, (_, k) => k)));

describe('limits', () => {
  it('fails with Prometheus\' "too many samples" past query.max_samples', async () => {
    // Each series' 1 h window holds 360 samples while rate() reads it.
    const q = engineOver(many, { maxSamples: 300 });
    const err = await q.instant('sum(rate(load[1h]))', 3600).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CairnError);
    expect((err as CairnError).code).toBe(ErrorCodes.QUERY_TOO_MANY_SAMPLES);
    expect((err as CairnError).message).toBe('query processing would load too many samples into memory in query execution');
    expect(await engineOver(many, { maxSamples: 1_000_000 }).instant('count(load)', 3600)).toEqual(['{} 50']);
  });

  it('fails with "query timed out" when the store is slower than the timeout', async () => {
    const q = engineOver(many, { timeoutMs: 30 });
    q.querier.delayMs = 500;
    const err = (await q.instant('load', 60).catch((e: unknown) => e)) as CairnError;
    expect(err.code).toBe(ErrorCodes.QUERY_TIMEOUT);
    expect(err.message).toBe('query timed out in query execution');
  });

  it('stops a long evaluation at its deadline', async () => {
    const q = engineOver(many, { timeoutMs: 20 });
    const err = (await q.range('sum(max_over_time(load[1h:1s]))', 0, 3600, 10).catch((e: unknown) => e)) as CairnError;
    expect(err.code).toBe(ErrorCodes.QUERY_TIMEOUT);
  });

  it('runs at most query.max_concurrency queries at once; the others wait their turn', async () => {
    const q = engineOver(many, { maxConcurrency: 1, timeoutMs: 5000 });
    q.querier.delayMs = 50;
    const first = q.instant('count(load)', 60);
    const second = q.instant('count(load)', 60);
    expect(q.engine.active).toBe(2);
    expect(await Promise.all([first, second])).toEqual([['{} 50'], ['{} 50']]);
    // The second asks for 50 ms and spends them waiting for the first (200 ms).
    q.querier.delayMs = 200;
    const results = await Promise.allSettled([q.engine.instant({ query: 'count(load)', timeMs: 60_000 }), q.engine.instant({ query: 'load', timeMs: 60_000, timeoutMs: 50 })]);
    expect(results.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : 'ok'))).toEqual(['ok', 'query timed out in query queue']);
  });
});

describe('safety', () => {
  it('matches regexes in linear time (RE2): a backtracking bomb is just a regex', async () => {
    const storage = new TestStorage();
    await storage.load([{ labels: [['__name__', 'x'], ['v', `${'a'.repeat(40)}c`]], points: [1] }], 60_000);
    const engine = createQueryEngine({ querier: storage.querier() });
    expect((await engine.instant({ query: 'x{v=~"(a+)+b"}', timeMs: 0 })).value).toMatchObject({ series: [] });
    expect((await engine.instant({ query: 'x{v=~"(a|aa)+c"}', timeMs: 0 })).value).toMatchObject({ series: [{ values: Float64Array.of(1) }] });
    await storage.clear();
  });

  it('hands the event loop back while it evaluates', async () => {
    const q = engineOver(many);
    let turns = 0;
    let running = true;
    const spin = (): void => {
      turns++;
      if (running) setImmediate(spin);
    };
    setImmediate(spin);
    const before = turns;
    await q.range('sum by (host) (max_over_time(load[1h:1s]))', 0, 3600, 60);
    running = false;
    expect(turns - before).toBeGreaterThan(1);
  });
});
