// Instant and range queries through HTTP, against Prometheus' evaluation rules.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf } from './harness.js';
import type { RunningApi } from './harness.js';
import { startApi } from './harness.js';

const T = 1_700_000_000_000; // ms; 1700000000 s
const S = 1000;
const M = 60 * S;

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}
interface Series {
  metric: Record<string, string>;
  values: [number, string][];
}

let api: RunningApi;
beforeAll(async () => {
  api = await startApi(
    [
      { labels: { __name__: 'up', job: 'a' }, samples: [[T - 4 * M - 59 * S, 1]] }, // 4m59s old at T
      { labels: { __name__: 'up', job: 'b' }, samples: [[T - 5 * M - 1 * S, 1]] }, // 5m01s old
      { labels: { __name__: 'up', job: 'c' }, samples: [[T - 5 * M, 1]] }, // exactly 5m: outside (t − 5m, t]
      { labels: { __name__: 'up', job: 'd' }, samples: [[T - 2 * M, 1], [T - 1 * M, 'stale']] },
      { labels: { __name__: 'up', job: 'e' }, samples: [[T - 2 * M, 'stale'], [T - 1 * M, 7]] },
      { labels: { __name__: 'up', job: 'f' }, samples: [[T - 2 * M, 1], [T - 1 * M, 2], [T + 1, 3]] },
      { labels: { __name__: 'up', job: 'g' }, samples: [[T, NaN]] },
      { labels: { __name__: 'temp', room: 'x' }, samples: [[T - 10 * S, 1.5], [T + 20 * S, 2.5], [T + 50 * S, -0.25]] },
      { labels: { __name__: 'gappy' }, samples: [[T, 1], [T + 20 * S, 'stale'], [T + 40 * S, 2], [T + 10 * M, 3]] },
    ],
    { now: () => T },
  );
});
afterAll(() => api.close());

const instant = async (query: string, time = String(T / 1000)): Promise<Sample[]> => {
  const data = dataOf(await api.both('/api/v1/query', { query, time })) as { resultType: string; result: Sample[] };
  expect(data.resultType).toBe('vector');
  return data.result;
};

const range = async (query: string, start: number, end: number, step: string): Promise<Series[]> => {
  const data = dataOf(await api.both('/api/v1/query_range', { query, start: String(start / 1000), end: String(end / 1000), step })) as {
    resultType: string;
    result: Series[];
  };
  expect(data.resultType).toBe('matrix');
  return data.result;
};

describe('instant query', () => {
  it('takes the newest sample in (t − 5m, t], stamped with the evaluation time', async () => {
    const result = await instant('up');
    expect(result.map((s) => s.metric['job'])).toEqual(['a', 'e', 'f', 'g']);
    expect(result[0]).toEqual({ metric: { __name__: 'up', job: 'a' }, value: [T / 1000, '1'] });
    expect(result.find((s) => s.metric['job'] === 'f')?.value).toEqual([T / 1000, '2']); // not the future sample
    expect(result.find((s) => s.metric['job'] === 'g')?.value).toEqual([T / 1000, 'NaN']); // a real NaN is a value
  });

  it('includes a sample 4m59s old and excludes one 5m01s old', async () => {
    expect((await instant('up{job="a"}')).length).toBe(1);
    expect(await instant('up{job="b"}')).toEqual([]);
  });

  it('hides a series whose newest sample is a stale marker, and shows it again after a new sample', async () => {
    expect(await instant('up{job="d"}')).toEqual([]);
    expect(await instant('up{job="d"}', String((T - 90 * S) / 1000))).toEqual([{ metric: { __name__: 'up', job: 'd' }, value: [(T - 90 * S) / 1000, '1'] }]);
    expect((await instant('up{job="e"}'))[0]?.value).toEqual([T / 1000, '7']);
  });

  it('takes lookback_delta from the request', async () => {
    const data = dataOf(await api.both('/api/v1/query', { query: 'up{job=~"a|b"}', time: String(T / 1000), lookback_delta: '10m' })) as { result: Sample[] };
    expect(data.result.map((s) => s.metric['job'])).toEqual(['a', 'b']);
  });

  it('asks the store for exactly the lookback window', async () => {
    api.querier.calls.length = 0;
    await instant('up{job="a"}');
    const call = { method: 'select', matchers: [{ name: '__name__', type: '=', value: 'up' }, { name: 'job', type: '=', value: 'a' }], minT: T - 5 * M + 1, maxT: T };
    expect(api.querier.calls).toEqual([call, call]); // GET and POST
  });

  it('applies all matcher kinds, anchored regexes and {__name__…} selectors', async () => {
    const jobs = async (q: string) => (await instant(q)).map((s) => s.metric['job']);
    expect(await jobs('up{job=~"a|e"}')).toEqual(['a', 'e']);
    expect(await jobs('up{job!~"[a-e]"}')).toEqual(['f', 'g']);
    expect(await jobs('up{job!="a", job=~"e|f|g"}')).toEqual(['e', 'f', 'g']);
    expect(await jobs('up{job=~"."}')).toEqual(['a', 'e', 'f', 'g']);
    expect(await jobs('up{job=~"^a"}')).toEqual(['a']);
    expect(await jobs('{__name__="up", job="a"}')).toEqual(['a']);
    expect(await jobs('{__name__=~"u.", job="a"}')).toEqual(['a']);
    expect(await jobs('{"up", job="a"}')).toEqual(['a']);
    expect(await jobs('up{job=~"a"} # a comment')).toEqual(['a']);
    expect(await jobs('up{missing=""}')).toEqual(['a', 'e', 'f', 'g']); // a missing label matches ""
  });

  it('accepts RFC 3339 times and defaults to now', async () => {
    expect((await instant('up{job="a"}', new Date(T).toISOString()))[0]?.value[0]).toBe(T / 1000);
    const data = dataOf(await api.get('/api/v1/query', { query: 'up{job="a"}' })) as { result: Sample[] };
    expect(data.result[0]?.value).toEqual([T / 1000, '1']);
  });

  it('answers number literals and scalar arithmetic as scalars', async () => {
    const scalar = async (query: string) => dataOf(await api.both('/api/v1/query', { query, time: '4' }));
    expect(await scalar('1+1')).toEqual({ resultType: 'scalar', result: [4, '2'] });
    expect(await scalar('-(2 ^ 3 ^ 2) % 7')).toEqual({ resultType: 'scalar', result: [4, '-1'] });
    expect(await scalar('1 / 0')).toEqual({ resultType: 'scalar', result: [4, '+Inf'] });
    expect(await scalar('-Inf')).toEqual({ resultType: 'scalar', result: [4, '-Inf'] });
    expect(await scalar('NaN')).toEqual({ resultType: 'scalar', result: [4, 'NaN'] });
    expect(await scalar('0x10 + 1e3 + 1_000')).toEqual({ resultType: 'scalar', result: [4, '2016'] });
    expect(await scalar('5m')).toEqual({ resultType: 'scalar', result: [4, '300'] });
    expect(await scalar('2 > bool 1')).toEqual({ resultType: 'scalar', result: [4, '1'] });
    expect(await scalar('0.1 + 0.2')).toEqual({ resultType: 'scalar', result: [4, '0.30000000000000004'] });
    expect(await scalar('"a\\tb"')).toEqual({ resultType: 'string', result: [4, 'a\tb'] });
  });
});

describe('range query', () => {
  it('evaluates at start, start+step, … ≤ end with the lookback rule at each step', async () => {
    const result = await range('temp', T, T + 60 * S, '15s');
    expect(result).toEqual([
      {
        metric: { __name__: 'temp', room: 'x' },
        values: [
          [T / 1000, '1.5'],
          [(T + 15 * S) / 1000, '1.5'],
          [(T + 30 * S) / 1000, '2.5'],
          [(T + 45 * S) / 1000, '2.5'],
          [(T + 60 * S) / 1000, '-0.25'],
        ],
      },
    ]);
  });

  it('keeps the steps aligned to start, not to the step', async () => {
    const result = await range('temp', T + 1500, T + 40 * S, '15');
    expect(result[0]?.values.map(([t]) => t)).toEqual([(T + 1500) / 1000, (T + 16_500) / 1000, (T + 31_500) / 1000]);
    const raw = await api.get('/api/v1/query_range', { query: 'temp', start: String((T + 1500) / 1000), end: String((T + 1500) / 1000), step: '1' });
    expect(raw.text).toContain(`[${(T + 1500 - 500) / 1000}.500,"1.5"]`);
  });

  it('leaves out steps after a stale marker and beyond the lookback, and series with no points', async () => {
    const result = await range('gappy', T, T + 11 * M, '10s');
    const times = result[0]!.values.map(([t]) => (t * 1000 - T) / S);
    // 0, 10 from the first sample; 20, 30 hidden by the stale marker; 40 … 340 from the second
    // (at 340 it is exactly 5m old, outside (t − 5m, t]); 600 … 660 from the third.
    const expected = [0, 10, ...Array.from({ length: 30 }, (_, i) => 40 + i * 10), ...Array.from({ length: 7 }, (_, i) => 600 + i * 10)];
    expect(times).toEqual(expected);
    expect(await range('gappy', T + 6 * M, T + 9 * M, '1m')).toEqual([]);
  });

  it('accepts durations and float seconds for step alike', async () => {
    const a = await range('temp', T, T + 2 * M, '1m');
    const b = await range('temp', T, T + 2 * M, '60');
    const c = await range('temp', T, T + 2 * M, '60.0');
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    expect(a[0]?.values.length).toBe(3);
  });

  it('answers a scalar as one series without labels', async () => {
    expect(await range('1+1', T, T + 30 * S, '15s')).toEqual([
      {
        metric: {},
        values: [
          [T / 1000, '2'],
          [(T + 15 * S) / 1000, '2'],
          [(T + 30 * S) / 1000, '2'],
        ],
      },
    ]);
  });

  it('allows exactly 11,000 steps between start and end', async () => {
    const result = await range('1', T, T + 11_000 * S, '1');
    expect(result[0]?.values.length).toBe(11_001);
  });

  it('sorts series by their labels', async () => {
    const result = await range('up', T - M, T, '1m');
    // d is stale at both steps, so it is left out.
    expect(result.map((s) => s.metric['job'])).toEqual(['a', 'b', 'c', 'e', 'f', 'g']);
  });
});
