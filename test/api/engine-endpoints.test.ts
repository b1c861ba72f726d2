// The endpoints Grafana and promtool call beyond plain queries: metadata, rules, alerts,
// format_query, warnings and infos in the envelope, `limit` on queries.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricMetadata } from '../../src/query/index.js';
import { dataOf, expectError, startApi } from './harness.js';
import type { RunningApi } from './harness.js';

const T = 1_700_000_000_000;
let api: RunningApi;
beforeAll(async () => {
  api = await startApi(
    [
      { labels: { __name__: 'requests_total', job: 'a' }, samples: [[T - 120_000, 1], [T - 60_000, 5], [T, 9]] },
      { labels: { __name__: 'requests_total', job: 'b' }, samples: [[T, 3]] },
      { labels: { __name__: 'temperature', job: 'a' }, samples: [[T - 60_000, 20], [T, 21]] },
    ],
    { now: () => T },
  );
  const metadata: MetricMetadata[] = [
    { metric: 'requests_total', type: 'counter', help: 'Requests served.', unit: '' },
    { metric: 'requests_total', type: 'counter', help: 'Requests served.', unit: '' },
    { metric: 'temperature', type: 'gauge', help: 'Room temperature.', unit: 'celsius' },
  ];
  Object.assign(api.querier, { metadata: async () => metadata });
});
afterAll(() => api.close());

describe('Grafana and promtool endpoints', () => {
  it('rules and alerts answer well-formed empty lists, not a 404', async () => {
    expect(dataOf(await api.both('/api/v1/rules'))).toEqual({ groups: [] });
    expect(dataOf(await api.both('/api/v1/alerts'))).toEqual({ alerts: [] });
  });

  it('metadata gives type, help and unit per family, one entry per distinct value', async () => {
    expect(dataOf(await api.both('/api/v1/metadata'))).toEqual({
      requests_total: [{ type: 'counter', help: 'Requests served.', unit: '' }],
      temperature: [{ type: 'gauge', help: 'Room temperature.', unit: 'celsius' }],
    });
    expect(Object.keys(dataOf(await api.get('/api/v1/metadata', { limit: '1' })) as object)).toEqual(['requests_total']);
    expect(dataOf(await api.get('/api/v1/metadata', { metric: 'temperature' }))).toEqual({ temperature: [{ type: 'gauge', help: 'Room temperature.', unit: 'celsius' }] });
  });

  it('format_query prints the query the way Prometheus does', async () => {
    expect(dataOf(await api.both('/api/v1/format_query', { query: 'SUM  by(job)(rate(requests_total[5m] offset 1m))' }))).toBe('sum by (job) (rate(requests_total[5m] offset 1m))');
    expect(expectError(await api.get('/api/v1/format_query', { query: 'sum(' }), 400, 'bad_data')).toMatch(/^invalid parameter "query": 1:5: parse error/);
  });

  it('puts warnings and infos in the envelope as Prometheus does', async () => {
    const a = await api.both('/api/v1/query', { query: 'rate(temperature[5m])' });
    expect(JSON.parse(a.text)).toMatchObject({ status: 'success', infos: ['PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: "temperature"'] });
    const w = await api.both('/api/v1/query_range', { query: 'sort(requests_total)', start: String(T / 1000 - 60), end: String(T / 1000), step: '30' });
    expect(JSON.parse(w.text)).toMatchObject({ warnings: ['PromQL warning: sort is ineffective for range queries since results are always ordered by labels'] });
  });

  it('cuts a result to `limit` series and says so', async () => {
    const a = JSON.parse((await api.both('/api/v1/query', { query: 'requests_total', limit: '1' })).text) as { data: { result: unknown[] }; warnings: string[] };
    expect(a.data.result).toHaveLength(1);
    expect(a.warnings).toEqual(['results truncated due to limit']);
  });

  it('answers too many samples as 422 execution, as Prometheus does', async () => {
    const small = await startApi([{ labels: { __name__: 'up' }, samples: Array.from({ length: 100 }, (_, i): [number, number] => [T - i * 1000, i]) }], { now: () => T, queryMaxSamples: 10 });
    try {
      expect(expectError(await small.get('/api/v1/query', { query: 'sum_over_time(up[5m])' }), 422, 'execution')).toBe('query processing would load too many samples into memory in query execution');
    } finally {
      await small.close();
    }
  });

  it('answers the dashboard staples', async () => {
    const sum = dataOf(await api.both('/api/v1/query', { query: 'sum by (job) (increase(requests_total[3m]))' })) as { result: { metric: Record<string, string>; value: [number, string] }[] };
    expect(sum.result.map((r) => [r.metric['job'], r.value[1]])).toEqual([['a', '9']]); // 8 over 2 min of samples, extrapolated back to where the counter was 0 (15 s before the first)
    const top = dataOf(await api.both('/api/v1/query', { query: 'topk(1, requests_total)' })) as { result: { metric: Record<string, string> }[] };
    expect(top.result[0]!.metric).toEqual({ __name__: 'requests_total', job: 'a' });
  });
});
