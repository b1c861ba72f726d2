import { afterEach, describe, expect, it } from 'vitest';
import type { CairnProcess } from '../../support/cli.js';
import { cliConfigYaml, spawnCairn, tempDir } from '../../support/cli.js';
import { httpRequest, postMetrics } from '../../support/http-client.js';
import type { GaugeSpec } from '../../support/payloads.js';
import { ExportResponse, gaugeJson, gaugeProto } from '../../support/payloads.js';
import { PromApi } from '../../support/prom-api.js';

// Series and label limits through the CLI-started agent: each refuses exactly the excess, as
// OTLP partial success naming the limit, and counts it; the counts survive a restart.

interface Agent {
  readonly cairn: CairnProcess;
  readonly url: string;
  readonly api: PromApi;
}

const running: CairnProcess[] = [];
const dirs: ReturnType<typeof tempDir>[] = [];
afterEach(async () => {
  for (const c of running.splice(0)) await c.kill();
  for (const d of dirs.splice(0)) d.remove();
});

async function start(limits: string, store?: string, threads = 1): Promise<Agent> {
  const dir = tempDir();
  dirs.push(dir);
  const config = cliConfigYaml(`limits:\n${limits}`, store).replace('workers:\n  threads: 1\n', `workers:\n  threads: ${threads}\n`);
  const cairn = spawnCairn(['run', '--config', dir.write('cairn.yaml', config)]);
  running.push(cairn);
  const addr = await cairn.listening();
  const api = new PromApi(`http://${String((await cairn.waitForLog('api listening'))['address'])}`);
  return { cairn, url: `http://${addr.http}/v1/metrics`, api };
}

/** `n` series of metric `name` (attribute i=<from+k>), one point each. */
const series = (name: string, from: number, n: number, extra: Record<string, string> = {}): GaugeSpec => ({
  name,
  points: Array.from({ length: n }, (_, k) => ({ value: k, attributes: { i: String(from + k), ...extra } })),
});

async function send(a: Agent, spec: GaugeSpec | GaugeSpec[], json = false): Promise<{ rejected: number; message: string }> {
  const res = await postMetrics(a.url, json ? gaugeJson(spec) : gaugeProto(spec), json ? { contentType: 'application/json' } : {});
  expect(res.status).toBe(200);
  if (json) {
    const body = JSON.parse(res.body.toString()) as { partialSuccess?: { rejectedDataPoints: string; errorMessage: string } };
    return { rejected: Number(body.partialSuccess?.rejectedDataPoints ?? 0), message: body.partialSuccess?.errorMessage ?? '' };
  }
  const r = ExportResponse.toObject(ExportResponse.decode(res.body), { longs: Number }) as { partialSuccess?: { rejectedDataPoints?: number; errorMessage?: string } };
  return { rejected: r.partialSuccess?.rejectedDataPoints ?? 0, message: r.partialSuccess?.errorMessage ?? '' };
}

async function refusedPoints(a: Agent, limit: string): Promise<number> {
  const text = (await httpRequest(`${a.api.base}/metrics`, { method: 'GET' })).body.toString();
  const m = new RegExp(`^cairn_limit_refused_points_total\\{limit="${limit}"\\} (\\d+)$`, 'm').exec(text);
  return m === null ? 0 : Number(m[1]);
}

async function seriesCount(a: Agent, match: string): Promise<number> {
  return (await a.api.get<unknown[]>('/api/v1/series', [['match[]', match]])).data.length;
}

describe('series limits', () => {
  it('max_series refuses exactly the excess, counts it, and still takes points of existing series; the count survives a restart', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const store = `${dir.dir}/store`;
    const a = await start('  max_series: 150\n', store);
    expect(await send(a, series('held', 0, 100))).toEqual({ rejected: 0, message: '' });
    const over = await send(a, series('held', 100, 100));
    expect(over.rejected).toBe(50);
    expect(over.message).toContain('limits.max_series');
    expect(await send(a, series('held', 0, 150))).toEqual({ rejected: 0, message: '' });
    expect(await send(a, series('other', 0, 1), true)).toMatchObject({ rejected: 1 });
    expect(await seriesCount(a, '{__name__=~"held|other"}')).toBe(150);
    expect(await refusedPoints(a, 'max_series')).toBe(51);
    // The top contributors, as Prometheus' /api/v1/status/tsdb serves them.
    const status = (await a.api.get<Record<string, unknown>>('/api/v1/status/tsdb', [['limit', '2']])).data;
    expect(status).toMatchObject({
      headStats: { numSeries: 150, chunkCount: 150 },
      seriesCountByMetricName: [{ name: 'held', value: 150 }],
      labelValueCountByLabelName: [{ name: 'i', value: 150 }, { name: '__name__', value: 1 }],
      seriesCountByLabelValuePair: [{ name: '__name__=held', value: 150 }, { name: 'job=cairn-test', value: 150 }],
    });
    a.cairn.child.kill('SIGTERM');
    expect(await a.cairn.exited).toMatchObject({ code: 0 });
    const b = await start('  max_series: 160\n', store);
    const again = await send(b, series('after', 0, 20));
    expect(again.rejected).toBe(10);
  });

  it('concurrent requests from many clients, decoded by two workers, take exactly the room there is', async () => {
    const a = await start('  max_series: 100\n', undefined, 2);
    const results = await Promise.all([0, 1, 2, 3, 4, 5].map((c) => send(a, series(`race_${c}`, 0, 40), c % 2 === 0)));
    const stored = await seriesCount(a, '{__name__=~"race_.*"}');
    expect(results.reduce((sum, r) => sum + (40 - r.rejected), 0)).toBe(100);
    expect(stored).toBe(100);
  });

  it('max_series_per_metric and max_new_series_per_minute refuse exactly their excess', async () => {
    const a = await start('  max_series_per_metric: 10\n');
    expect((await send(a, series('wide', 0, 15))).rejected).toBe(5);
    expect((await send(a, series('narrow', 0, 5))).rejected).toBe(0);
    const over = await send(a, series('wide', 100, 3), true);
    expect(over).toMatchObject({ rejected: 3, message: expect.stringContaining('metric wide has limits.max_series_per_metric') });
    expect(await refusedPoints(a, 'max_series_per_metric')).toBe(8);

    const b = await start('  max_new_series_per_minute: 20\n');
    const first = await send(b, [series('churn_a', 0, 12), series('churn_b', 0, 12)]);
    // Unless the minute turned between the two requests' series, 4 of 24 are over.
    expect(first.rejected === 4 || first.rejected === 0).toBe(true);
    if (first.rejected === 4) expect(first.message).toContain('limits.max_new_series_per_minute');
  });
});

describe('label limits', () => {
  // Labels of these series: __name__, job, otel_scope_name, otel_scope_version and the point's attributes.
  it('max_labels_per_series and max_label_name_length reject, naming the limit', async () => {
    const a = await start('  max_labels_per_series: 6\n  max_label_name_length: 20\n');
    expect((await send(a, series('lab', 0, 2, { a: '1' }))).rejected).toBe(0);
    const wide = await send(a, series('lab', 10, 2, { a: '1', b: '2' }));
    expect(wide).toEqual({ rejected: 2, message: 'series has 7 labels, more than limits.max_labels_per_series (6)' });
    expect((await send(a, series('lab', 20, 1, { a_very_long_attribute_name: 'x' }))).message).toContain('limits.max_label_name_length (20)');
    expect(await refusedPoints(a, 'max_labels_per_series')).toBe(2);
    expect(await refusedPoints(a, 'max_label_name_length')).toBe(1);
  });

  // otel_scope_name is "cairn-test-scope": 16 bytes, at the limit.
  it('max_label_value_length rejects, or truncates on a character boundary', async () => {
    const reject = await start('  max_label_value_length: 16\n');
    expect((await send(reject, series('val', 0, 1, { v: '12345678901234567' }))).message).toContain('limits.max_label_value_length (16)');
    expect((await send(reject, series('val', 0, 1, { v: '1234567890123456' }))).rejected).toBe(0);
    const cut = await start('  max_label_value_length: 16\n  label_value_overflow: truncate\n');
    expect((await send(cut, series('val', 0, 1, { v: 'abcdefghijklmnopqrs', w: 'é'.repeat(9) }), true)).rejected).toBe(0);
    const stored = (await cut.api.get<Record<string, string>[]>('/api/v1/series', [['match[]', 'val']])).data;
    expect(stored.map((s) => [s['v'], s['w']])).toEqual([['abcdefghijklmnop', 'é'.repeat(8)]]);
  });
});
