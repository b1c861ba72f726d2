// offset, @, subqueries, duration arithmetic, lookback, staleness and range queries.
import { describe, expect, it } from 'vitest';
import { engineOver, series } from './engine-helpers.js';

// One sample a minute: value = minutes since 0.
const q = engineOver([series({ __name__: 'm' }, 60, Array.from({ length: 31 }, (_, i) => i)), series({ __name__: 'gone' }, 60, [1, 2, 'stale'])]);

describe('selectors in time', () => {
  it('look back 5 minutes for the newest sample, and stop at a stale marker', async () => {
    expect(await q.instant('m', 30 * 60 + 299)).toEqual(['m{} 30']);
    expect(await q.instant('m', 30 * 60 + 300)).toEqual([]);
    expect(await q.instant('gone', 90)).toEqual(['gone{} 2']);
    expect(await q.instant('gone', 120)).toEqual([]);
  });

  it('range selectors are left-open: (t − range, t]', async () => {
    expect(await q.instant('count_over_time(m[5m])', 600)).toEqual(['{} 5']);
  });

  it('offset shifts back (negative offset forward); @ pins the time, also to start() and end()', async () => {
    expect(await q.instant('m offset 5m', 600)).toEqual(['m{} 5']);
    expect(await q.instant('m offset -5m', 600)).toEqual(['m{} 15']);
    expect(await q.instant('m @ 120', 600)).toEqual(['m{} 2']);
    expect(await q.instant('m @ 300 offset 1m', 600)).toEqual(['m{} 4']);
    expect(await q.range('m @ end()', 60, 180, 60)).toEqual(['m{} 3@60 3@120 3@180']);
    expect(await q.range('m @ start()', 60, 180, 60)).toEqual(['m{} 1@60 1@120 1@180']);
  });

  it('modifiers bind to the selector next to them, not to the whole expression', async () => {
    expect(await q.instant('m - m offset 10m', 1200)).toEqual(['{} 10']);
  });

  it('durations may be arithmetic (Prometheus 3.14), with step() and range() of the query', async () => {
    expect(await q.instant('count_over_time(m[2m * 3 + 60s])', 1200)).toEqual(['{} 7']);
    expect(await q.range('count_over_time(m[step() * 2])', 600, 1200, 300)).toEqual(['{} 10@600 10@900 10@1200']);
  });
});

describe('subqueries', () => {
  it('evaluate the inner query on steps aligned to multiples of their step', async () => {
    // Inner steps at 540, 570, 600 (multiples of 30 s after 600 − 90).
    expect(await q.instant('count_over_time(m[90s:30s])', 600)).toEqual(['{} 3']);
    expect(await q.instant('max_over_time(rate(m[2m])[10m:1m])', 600)).toEqual(['{} 0.01666666667']);
  });

  it('use the default step of 1 minute when none is given, and answer a matrix at the top', async () => {
    expect(await q.instant('m[3m:]', 600)).toEqual(['m{} 8@480 9@540 10@600']);
  });
});

describe('range queries', () => {
  it('evaluate at each step and sort series by labels', async () => {
    expect(await q.range('m * 2', 0, 180, 60)).toEqual(['{} 0@0 2@60 4@120 6@180']);
    expect(await q.range('sum(rate(m[2m]))', 120, 240, 60)).toEqual(['{} 0.01666666667@120 0.01666666667@180 0.01666666667@240']);
  });

  it('refuse range vectors and strings at the top, as Prometheus does', async () => {
    await expect(q.range('m[5m]', 0, 60, 60)).rejects.toThrow('invalid expression type "range vector" for range query, must be Scalar or instant Vector');
    await expect(q.range('"x"', 0, 60, 60)).rejects.toThrow('invalid expression type "string" for range query');
  });
});
