import { afterAll, describe, expect, it } from 'vitest';
import { AckedLoad } from '../../support/acked-load.js';
import { tempDir } from '../../support/cli.js';
import { baseTimeMs } from '../../support/otlp-points.js';
import { Rng } from '../../support/otlp-gen.js';
import type { PromApi } from '../../support/prom-api.js';
import type { RunningAgent } from '../../support/store-agent.js';
import { sleep, startStoreAgent, writeStoreConfig } from '../../support/store-agent.js';

// Streaming aggregation under SIGKILL: the real agent, killed at seeded random moments while
// it ingests, restarted on the same directory. Every interval's outputs must equal what the
// inputs the store holds give (the rule keeps its inputs so the test can read them): no
// interval lost, none counted twice, totals carried across restarts.

const dir = tempDir('cairn-agg-kill-');
const alive: RunningAgent[] = [];
afterAll(async () => {
  await Promise.all(alive.map((a) => a.kill()));
  dir.remove();
});

const INTERVAL = 60_000;
const AGGREGATION = `aggregation:
  - match: '{__name__="agg_value"}'
    interval: 1m
    by: [job]
    outputs: [total, increase, count_samples, sum_samples, max, last]
    keep_input: true
    lag: 30m
`;

type Matrix = { metric: Record<string, string>; values: [number, string][] }[];

async function matrix(api: PromApi, query: string): Promise<Matrix> {
  const a = await api.get<{ resultType: string; result: Matrix }>('/api/v1/query', [['query', `${query}[10000d]`], ['time', String(Date.now() / 1000 + 86_400 * 365)]]);
  return a.data.result;
}

/** Every output of every interval and job, from the raw inputs, as the rule computes them (staleness 2 intervals). */
function reference(inputs: Matrix): Map<string, number> {
  const perJob = new Map<string, Map<number, { t: number; v: number; inc: number }[]>>();
  for (const s of inputs) {
    const job = s.metric['job']!;
    let prev: { t: number; v: number } | undefined;
    for (const [sec, text] of s.values) {
      const t = Math.round(sec * 1000);
      const v = Number(text);
      const inc = prev === undefined || t - prev.t > 2 * INTERVAL ? NaN : v >= prev.v ? v - prev.v : v;
      prev = { t, v };
      const end = Math.ceil(t / INTERVAL) * INTERVAL;
      const intervals = perJob.get(job) ?? new Map();
      perJob.set(job, intervals);
      if (!intervals.has(end)) intervals.set(end, []);
      intervals.get(end)!.push({ t, v, inc });
    }
  }
  const out = new Map<string, number>();
  for (const [job, intervals] of perJob) {
    let total = 0;
    for (const end of [...intervals.keys()].sort((a, b) => a - b)) {
      const xs = intervals.get(end)!;
      // The engine's order: samples in time order across series (WAL order per series is time order).
      xs.sort((a, b) => a.t - b.t);
      const increase = xs.reduce((n, x) => (Number.isNaN(x.inc) ? n : n + x.inc), 0);
      total += increase;
      const key = (k: string): string => `${k}{job=${job}}@${end}`;
      out.set(key('total'), total);
      out.set(key('increase'), increase);
      out.set(key('count_samples'), xs.length);
      out.set(key('sum_samples'), xs.reduce((n, x) => n + x.v, 0));
      out.set(key('max'), Math.max(...xs.map((x) => x.v)));
      out.set(key('last'), xs[xs.length - 1]!.v);
    }
  }
  return out;
}

describe('streaming aggregation across SIGKILL', () => {
  it('no interval is lost or counted twice over kill/restart cycles', { timeout: 90_000 }, async () => {
    const storePath = `${dir.dir}/store`;
    const config = writeStoreConfig(dir.dir, 'agg.yaml', storePath, { page_points: 64, checkpoint_interval: '2s', wal: { segment_bytes: '256KiB' } }, AGGREGATION);
    const rng = new Rng(0xa66);
    const load = new AckedLoad({ prefix: 'agg', senders: 3, seriesPerSender: 3, pointsPerRequest: 4, baseMs: baseTimeMs(48), stepMs: 1000, pauseMs: 5 });
    let agent = await startStoreAgent(config);
    alive.push(agent);
    for (let cycle = 0; cycle < 4; cycle++) {
      const run = load.run(agent.grpc);
      await Promise.race([run.firstAck, sleep(20_000)]);
      await sleep(rng.int(600, 3500));
      await agent.kill();
      run.stop();
      await run.done;
      agent = await startStoreAgent(config);
      alive.push(agent);
    }
    const last = load.run(agent.grpc);
    await sleep(1500);
    last.stop();
    await last.done;
    // No input for a few seconds closes the last intervals: wait until every job's are out.
    const inputs = await matrix(agent.api, 'agg_value');
    const want = reference(inputs);
    const got = new Map<string, number>();
    for (let waited = 0; waited < 30_000 && [...want.keys()].some((k) => !got.has(k)); waited += 1000) {
      await sleep(1000);
      got.clear();
      for (const s of await matrix(agent.api, '{__name__=~"agg_value:1m_by_job_.*"}')) {
        const kind = s.metric['__name__']!.slice('agg_value:1m_by_job_'.length);
        for (const [sec, text] of s.values) got.set(`${kind}{job=${s.metric['job']}}@${Math.round(sec * 1000)}`, Number(text));
      }
    }
    expect(await agent.stop()).toEqual({ code: 0, signal: null });
    // Sums of the same samples in another order may differ in the last bits.
    for (const [k, v] of want) {
      if (!k.startsWith('sum_samples') || !got.has(k)) continue;
      expect(Math.abs(got.get(k)! - v)).toBeLessThanOrEqual(1e-9 * Math.abs(v));
      got.set(k, v);
    }
    expect(want.size).toBeGreaterThan(30);
    expect(got).toEqual(want);
  });
});
