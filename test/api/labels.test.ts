// /api/v1/series, /api/v1/labels, /api/v1/label/<name>/values, and the informational endpoints.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApi } from './harness.js';
import { dataOf, startApi } from './harness.js';

const T = 1_700_000_000_000;
let api: RunningApi;
beforeAll(async () => {
  api = await startApi([
    { labels: { __name__: 'up', job: 'node', instance: 'b:9100' }, samples: [[T, 1]] },
    { labels: { __name__: 'up', job: 'prometheus', instance: 'a:9090' }, samples: [[T, 1]] },
    { labels: { __name__: 'process_start_time_seconds', job: 'prometheus', instance: 'a:9090' }, samples: [[T - 3_600_000, 1]] },
    { labels: { __name__: 'http_requests_total', job: 'api', code: '200', 'zone': 'Zürich' }, samples: [[T, 1]] },
    { labels: { __name__: 'http_requests_total', job: 'Api', code: '500' }, samples: [[T, 1]] },
  ]);
});
afterAll(() => api.close());

describe('/api/v1/series', () => {
  it('returns the union of every match[], without duplicates, sorted by labels', async () => {
    const data = dataOf(await api.both('/api/v1/series', { 'match[]': ['up', 'process_start_time_seconds{job="prometheus"}', 'up{job="node"}'] }));
    expect(data).toEqual([
      { __name__: 'process_start_time_seconds', instance: 'a:9090', job: 'prometheus' },
      { __name__: 'up', instance: 'a:9090', job: 'prometheus' },
      { __name__: 'up', instance: 'b:9100', job: 'node' },
    ]);
  });

  it('defaults to all time and passes start/end through', async () => {
    api.querier.calls.length = 0;
    await api.get('/api/v1/series', { 'match[]': 'up' });
    expect(api.querier.calls[0]).toMatchObject({ method: 'series', minT: -8_640_000_000_000_000, maxT: 8_640_000_000_000_000 });
    const data = dataOf(await api.both('/api/v1/series', { 'match[]': '{job="prometheus"}', start: String((T - 60_000) / 1000), end: '2023-11-14T22:13:20Z' }));
    expect(data).toEqual([{ __name__: 'up', instance: 'a:9090', job: 'prometheus' }]);
    expect(api.querier.calls.at(-1)).toMatchObject({ minT: T - 60_000, maxT: T });
  });

  it("accepts client_golang's spelling of unbounded times", async () => {
    api.querier.calls.length = 0;
    await api.get('/api/v1/series', { 'match[]': 'up', start: '-292273086-05-16T16:47:06Z', end: '292277025-08-18T07:12:54.999999999Z' });
    expect(api.querier.calls[0]).toMatchObject({ minT: -8_640_000_000_000_000, maxT: 8_640_000_000_000_000 });
  });

  it('cuts at limit and warns', async () => {
    const a = await api.both('/api/v1/series', { 'match[]': 'up', limit: '1' });
    expect(JSON.parse(a.text)).toEqual({ status: 'success', data: [{ __name__: 'up', instance: 'a:9090', job: 'prometheus' }], warnings: ['results truncated due to limit'] });
  });

  it('answers an empty list, not null, when nothing matches', async () => {
    expect((await api.get('/api/v1/series', { 'match[]': 'nothing' })).text).toBe('{"status":"success","data":[]}');
  });
});

describe('/api/v1/labels', () => {
  it('lists every label name, sorted, without match[]', async () => {
    expect(dataOf(await api.both('/api/v1/labels'))).toEqual(['__name__', 'code', 'instance', 'job', 'zone']);
    expect(api.querier.calls.at(-1)).toMatchObject({ method: 'labelNames', matchers: [] });
  });

  it('unites the names of each match[]', async () => {
    expect(dataOf(await api.both('/api/v1/labels', { 'match[]': ['up', 'http_requests_total{code="500"}'] }))).toEqual(['__name__', 'code', 'instance', 'job']);
  });
});

describe('/api/v1/label/<name>/values', () => {
  it('lists values sorted in byte order (upper case first)', async () => {
    expect(dataOf(await api.both('/api/v1/label/job/values'))).toEqual(['Api', 'api', 'node', 'prometheus']);
    expect(dataOf(await api.both('/api/v1/label/__name__/values'))).toEqual(['http_requests_total', 'process_start_time_seconds', 'up']);
  });

  it('unites the values within each match[]', async () => {
    expect(dataOf(await api.both('/api/v1/label/job/values', { 'match[]': ['up{instance="b:9100"}', 'http_requests_total{code=~"5.."}'] }))).toEqual(['Api', 'node']);
  });

  it('decodes the label name from the path and keeps non-ASCII values intact', async () => {
    expect(dataOf(await api.get('/api/v1/label/%7A%6F%6E%65/values'))).toEqual(['Zürich']);
  });

  it('answers [] for an unknown label and honours limit', async () => {
    expect((await api.get('/api/v1/label/nope/values')).text).toBe('{"status":"success","data":[]}');
    const a = await api.get('/api/v1/label/job/values', { limit: '2' });
    expect(JSON.parse(a.text)).toEqual({ status: 'success', data: ['Api', 'api'], warnings: ['results truncated due to limit'] });
  });
});

describe('informational endpoints', () => {
  it('buildinfo names a Prometheus version and no features, so Grafana treats cairn as Prometheus', async () => {
    const data = dataOf(await api.get('/api/v1/status/buildinfo')) as Record<string, unknown>;
    expect(data['version']).toMatch(/^\d+\.\d+\.\d+$/);
    expect(data).not.toHaveProperty('features');
    expect(Object.keys(data)).toEqual(['version', 'revision', 'branch', 'buildUser', 'buildDate', 'goVersion']);
  });

  it('metadata is an empty map when the store keeps none, and exemplars an empty list', async () => {
    expect((await api.both('/api/v1/metadata')).text).toBe('{"status":"success","data":{}}');
    expect((await api.both('/api/v1/query_exemplars', { query: 'up' })).text).toBe('{"status":"success","data":[]}');
  });
});
