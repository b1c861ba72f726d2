// Our answers byte for byte against the examples in Prometheus' HTTP API documentation
// (docs/querying/api.md), re-created with the same data. The documentation pretty-prints and
// lists labels in arbitrary order; Prometheus itself writes compact JSON with labels sorted by
// name, which is what is compared here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApi } from './harness.js';
import { startApi } from './harness.js';

const at = (iso: string): number => Date.parse(iso);
let api: RunningApi;
beforeAll(async () => {
  const t0 = at('2015-07-01T20:10:30.781Z');
  api = await startApi([
    { labels: { __name__: 'up', job: 'prometheus', instance: 'localhost:9090' }, samples: [[t0 - 5000, 1], [t0 + 10_000, 1], [t0 + 25_000, 1]] },
    { labels: { __name__: 'up', job: 'node', instance: 'localhost:9091' }, samples: [[t0 - 5000, 0], [t0 + 10_000, 0], [t0 + 25_000, 1]] },
    { labels: { __name__: 'up', job: 'node', instance: 'localhost:9100' }, samples: [[at('2015-07-01T20:10:50Z'), 0]] },
    { labels: { __name__: 'process_start_time_seconds', job: 'prometheus', instance: 'localhost:9090' }, samples: [[t0, 1435781000]] },
  ]);
});
afterAll(() => api.close());

describe('documented examples', () => {
  it('instant query: up at 2015-07-01T20:10:51.781Z', async () => {
    const a = await api.get('/api/v1/query', { query: 'up{instance=~"localhost:9(090|100)"}', time: '2015-07-01T20:10:51.781Z' });
    expect(a.text).toBe(
      '{"status":"success","data":{"resultType":"vector","result":[' +
        '{"metric":{"__name__":"up","instance":"localhost:9090","job":"prometheus"},"value":[1435781451.781,"1"]},' +
        '{"metric":{"__name__":"up","instance":"localhost:9100","job":"node"},"value":[1435781451.781,"0"]}]}}',
    );
  });

  it('range query: up over 30 s at 15 s resolution', async () => {
    const a = await api.get('/api/v1/query_range', { query: 'up{instance!="localhost:9100"}', start: '2015-07-01T20:10:30.781Z', end: '2015-07-01T20:11:00.781Z', step: '15s' });
    expect(a.text).toBe(
      '{"status":"success","data":{"resultType":"matrix","result":[' +
        '{"metric":{"__name__":"up","instance":"localhost:9090","job":"prometheus"},"values":[[1435781430.781,"1"],[1435781445.781,"1"],[1435781460.781,"1"]]},' +
        '{"metric":{"__name__":"up","instance":"localhost:9091","job":"node"},"values":[[1435781430.781,"0"],[1435781445.781,"0"],[1435781460.781,"1"]]}]}}',
    );
  });

  it('series: up or process_start_time_seconds{job="prometheus"}', async () => {
    const a = await api.get('/api/v1/series', { 'match[]': ['up', 'process_start_time_seconds{job="prometheus"}'] });
    expect(a.text).toBe(
      '{"status":"success","data":[' +
        '{"__name__":"process_start_time_seconds","instance":"localhost:9090","job":"prometheus"},' +
        '{"__name__":"up","instance":"localhost:9090","job":"prometheus"},' +
        '{"__name__":"up","instance":"localhost:9091","job":"node"},' +
        '{"__name__":"up","instance":"localhost:9100","job":"node"}]}',
    );
  });

  it('label values: job', async () => {
    expect((await api.get('/api/v1/label/job/values')).text).toBe('{"status":"success","data":["node","prometheus"]}');
  });

  it('labels', async () => {
    expect((await api.get('/api/v1/labels')).text).toBe('{"status":"success","data":["__name__","instance","job"]}');
  });

  it("Grafana's health check: 1+1 at time 4", async () => {
    expect((await api.post('/api/v1/query', { query: '1+1', time: '4' })).text).toBe('{"status":"success","data":{"resultType":"scalar","result":[4,"2"]}}');
  });

  it('error envelope', async () => {
    const a = await api.get('/api/v1/query_range', { query: 'up', start: '10', end: '5', step: '1' });
    expect(a.status).toBe(400);
    expect(a.text).toBe('{"status":"error","errorType":"bad_data","error":"invalid parameter \\"end\\": end timestamp must not be before start time"}');
  });

  it('escapes HTML-sensitive characters in strings as Go does', async () => {
    const a = await api.get('/api/v1/query', { query: '"<a&b>"', time: '1.5' });
    expect(a.text).toBe('{"status":"success","data":{"resultType":"string","result":[1.500,"\\u003ca\\u0026b\\u003e"]}}');
  });
});
