import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CairnProcess } from '../support/cli.js';
import { cliConfigYaml, rssBytes, spawnCairn, tempDir } from '../support/cli.js';
import { postMetrics } from '../support/http-client.js';
import { ExportRequest, ExportResponse } from '../support/payloads.js';
import { PromApi } from '../support/prom-api.js';
import { sampleMax } from '../support/load.js';

// Valid but hostile requests (issue "hardening"): a histogram with hundreds of thousands of
// buckets, a request of 100,000 new series, a value with the stale marker's bits, a time below
// 1 ms. None may take the agent down, stall it, or lose what it acknowledged.

const dir = tempDir('cairn-hostile-');
const agents: CairnProcess[] = [];
afterAll(async () => {
  await Promise.all(agents.map((a) => a.kill()));
  dir.remove();
});

const NOW_MS = Math.floor(Date.now() / 1000) * 1000;
const ns = (ms: number): string => (BigInt(ms) * 1_000_000n).toString();

async function start(name: string, extra = '', nodeArgs: string[] = [], storePath?: string): Promise<{ cairn: CairnProcess; http: string; api: PromApi }> {
  const cairn = spawnCairn(['run', '--config', dir.write(`${name}.yaml`, cliConfigYaml(extra, storePath))], nodeArgs);
  agents.push(cairn);
  const addr = await cairn.listening(20_000);
  const apiLine = await cairn.waitForLog('api listening', 20_000);
  await cairn.waitForLog('agent started', 20_000);
  return { cairn, http: `http://${addr.http}/v1/metrics`, api: new PromApi(`http://${apiLine['address'] as string}`) };
}

/** One request: a histogram point of `bounds` explicit bounds, and a gauge point beside it. */
function histogramBomb(bounds: number, name: string): Buffer {
  const explicitBounds = Float64Array.from({ length: bounds }, (_, i) => i + 0.5);
  const bucketCounts = Array.from({ length: bounds + 1 }, () => 1);
  return Buffer.from(
    ExportRequest.encode(
      ExportRequest.fromObject({
        resourceMetrics: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'hostile' } }] },
            scopeMetrics: [
              {
                metrics: [
                  { name: `${name}.latency`, unit: 's', histogram: { aggregationTemporality: 2, dataPoints: [{ timeUnixNano: ns(NOW_MS), count: bounds + 1, sum: 1, explicitBounds: Array.from(explicitBounds), bucketCounts }] } },
                  { name: `${name}.ok`, gauge: { dataPoints: [{ timeUnixNano: ns(NOW_MS), asDouble: 42 }] } },
                ],
              },
            ],
          },
        ],
      }),
    ).finish(),
  );
}

function partial(body: Buffer): { rejected: number; message: string } {
  const r = ExportResponse.toObject(ExportResponse.decode(body), { longs: Number, defaults: true }) as { partialSuccess?: { rejectedDataPoints: number; errorMessage: string } };
  return { rejected: r.partialSuccess?.rejectedDataPoints ?? 0, message: r.partialSuccess?.errorMessage ?? '' };
}

describe('a histogram with hundreds of thousands of buckets', () => {
  it('is refused as partial success naming the limit, with the agent held to a small heap: no crash, no series blow-up', async () => {
    // --max-old-space-size stands in for a container's memory limit: a heap past it kills the process.
    const a = await start('bomb', '', ['--max-old-space-size=160']);
    const rss = sampleMax(() => rssBytes(a.cairn.pid), 50);
    for (const [bounds, name] of [[250_000, 'bomb_a'], [900_000, 'bomb_b']] as const) {
      const res = await postMetrics(a.http, histogramBomb(bounds, name), { timeoutMs: 60_000 });
      expect(res.status).toBe(200);
      const p = partial(res.body);
      expect(p.rejected).toBe(1);
      expect(p.message).toContain(`histogram has ${bounds + 1} buckets, more than limits.max_buckets_per_point (1024)`);
      // The point beside it is stored; the histogram made no series at all.
      expect((await a.api.query(`${name}_ok`, NOW_MS)).map((s) => s.value[1])).toEqual(['42']);
      expect(await a.api.query(`{__name__=~"${name}_latency.*"}`, NOW_MS)).toEqual([]);
    }
    const { max } = rss.stop();
    expect(max, `peak RSS ${(max / 2 ** 20).toFixed(0)} MiB`).toBeLessThan(400 * 2 ** 20);
    a.cairn.child.kill('SIGTERM');
    expect(await a.cairn.exited).toEqual({ code: 0, signal: null });
  }, 120_000);

  it('found in the WAL on restart under a lower limit, is skipped and counted once, never replayed into a crash loop', async () => {
    const store = mkdtempSync(join(dir.dir, 'replay-store-'));
    const first = await start('replay-1', 'limits:\n  max_buckets_per_point: 5000\n', [], store);
    expect(partial((await postMetrics(first.http, histogramBomb(3000, 'replayed'))).body).rejected).toBe(0);
    // SIGKILL: the batch stays in the WAL only (no checkpoint), so the restart replays it.
    await first.cairn.kill();
    for (let run = 0; run < 2; run++) {
      const again = await start(`replay-${run + 2}`, 'limits:\n  max_buckets_per_point: 1000\n', [], store);
      expect((await again.api.query('replayed_ok', NOW_MS)).map((s) => s.value[1])).toEqual(['42']);
      const dropped = (await again.api.metrics()).sum('cairn_store_samples_dropped_total', { reason: 'over_limit' });
      // Replayed on the first restart; the second restarts from the first's checkpoint.
      expect(dropped).toBe(run === 0 ? 1 : 0);
      again.cairn.child.kill('SIGTERM');
      expect(await again.cairn.exited).toEqual({ code: 0, signal: null });
    }
  }, 60_000);
});

/** One request of `n` gauge series never seen before, one point each. */
function newSeries(n: number, name: string): Buffer {
  const dataPoints = Array.from({ length: n }, (_, i) => ({ timeUnixNano: ns(NOW_MS), asDouble: i, attributes: [{ key: 'id', value: { stringValue: `s${i}` } }] }));
  return Buffer.from(ExportRequest.encode(ExportRequest.fromObject({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name, gauge: { dataPoints } }] }] }] })).finish());
}

describe('many new series in one request', () => {
  it('100,000 new series in one metric are decoded in one pass and all stored', async () => {
    const a = await start('many');
    const body = newSeries(100_000, 'many_new');
    const res = await postMetrics(a.http, body, { timeoutMs: 110_000 });
    expect(res.status).toBe(200);
    expect(partial(res.body).rejected).toBe(0);
    expect((await a.api.query('count(many_new)', NOW_MS).catch(async () => [{ value: [0, String((await a.api.query('many_new', NOW_MS)).length)] }]))[0]!.value[1]).toBe('100000');
    a.cairn.child.kill('SIGTERM');
    expect(await a.cairn.exited).toEqual({ code: 0, signal: null });
  }, 120_000);

  it('past limits.max_new_series_per_request, the points of further new series are refused and say so', async () => {
    const a = await start('capped', 'limits:\n  max_new_series_per_request: 1000\n');
    const res = await postMetrics(a.http, newSeries(1500, 'capped_new'));
    const p = partial(res.body);
    expect(p.rejected).toBe(500);
    expect(p.message).toContain('the request creates more than limits.max_new_series_per_request (1000) series');
    expect((await a.api.query('capped_new', NOW_MS)).length).toBe(1000);
    // Series the store has do not count: sent again, only the 500 refused before are new, and they fit.
    expect(partial((await postMetrics(a.http, newSeries(1500, 'capped_new'))).body).rejected).toBe(0);
    expect((await a.api.query('capped_new', NOW_MS)).length).toBe(1500);
    a.cairn.child.kill('SIGTERM');
    expect(await a.cairn.exited).toEqual({ code: 0, signal: null });
  }, 60_000);
});

describe('odd but valid points', () => {
  it('a value with the stale marker bits is stored as a plain NaN (only NO_RECORDED_VALUE ends a series); a time below 1 ms is time 0', async () => {
    const a = await start('odd');
    const staleBits = new Float64Array(new BigUint64Array([0x7ff0000000000002n]).buffer)[0]!;
    const body = ExportRequest.encode(
      ExportRequest.fromObject({
        resourceMetrics: [
          {
            scopeMetrics: [
              {
                metrics: [
                  { name: 'odd_nan', gauge: { dataPoints: [{ timeUnixNano: ns(NOW_MS), asDouble: staleBits }] } },
                  { name: 'odd_early', gauge: { dataPoints: [{ timeUnixNano: '500', asDouble: 7 }] } },
                ],
              },
            ],
          },
        ],
      }),
    ).finish();
    const res = await postMetrics(a.http, body);
    expect(partial(res.body)).toEqual({ rejected: 0, message: '' });
    expect((await a.api.query('odd_nan', NOW_MS)).map((s) => s.value[1])).toEqual(['NaN']);
    expect((await a.api.query('odd_early', 0)).map((s) => s.value[1])).toEqual(['7']);
    a.cairn.child.kill('SIGTERM');
    expect(await a.cairn.exited).toEqual({ code: 0, signal: null });
  }, 30_000);
});
