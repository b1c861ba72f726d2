// Query latency over 30 days of 1,000 series at a 1 h step, from tier 2 (`tier=2`) against the
// same from raw samples (`tier=0`), through the agent's /api/v1/query_range. The agent (rollups
// on, default tiers, a 4 GiB budget so raw still holds the 30 days) is filled with
// store-fill.mjs' series (half gauges with two decimals, half counters) in simulated time.
// Usage (after npm run build):
//   node native-bench/tiers-query.mjs [--series 1000] [--days 30] [--step 60s] [--runs 3]
import { setTimeout as sleep } from 'node:timers/promises';
import { benchDir, du, startAgent } from './agent-process.mjs';
import { createFill, exporter } from './store-fill.mjs';

const arg = (k, d) => (process.argv.includes(`--${k}`) ? process.argv[process.argv.indexOf(`--${k}`) + 1] : d);
const SERIES = Number(arg('series', 1000));
const DAYS = Number(arg('days', 30));
const STEP_MS = Number(/^(\d+)s$/.exec(arg('step', '60s'))[1]) * 1000;
const RUNS = Number(arg('runs', 3)); // a raw query over 30 days takes ~1 min here
const HOUR = 3_600_000;

const bench = benchDir();
const agent = await startAgent(bench.dir, `host:\n  enabled: false\nstore:\n  path: ${JSON.stringify(bench.store)}\n  max_disk_bytes: 4GiB\n`);
const fill = createFill({ series: SERIES, perRequest: 100, pointsPerSeries: HOUR / STEP_MS, stepMs: STEP_MS });
const { send, close } = exporter(agent.grpc);
const start = Math.floor((Date.now() - (DAYS + 2) * 86_400_000) / 86_400_000) * 86_400_000;
const end = start + DAYS * 86_400_000;
const t0 = performance.now();
// One more day than queried, so the queried span's pages and tier rows are all written.
for (let time = start; time < end + 86_400_000; time += HOUR) {
  const reqs = fill.round(time);
  for (let i = 0; i < reqs.length; i += 4) await Promise.all(reqs.slice(i, i + 4).map(send));
}
const fillSeconds = (performance.now() - t0) / 1000;
close();
await sleep(5000);
const rings = Object.fromEntries(['tier0', 'tier1', 'tier2'].map((r) => [r, du(`${bench.store}/${r}`)]));

async function latency(query, tier) {
  const qs = `query=${encodeURIComponent(query)}&start=${(start + HOUR) / 1000}&end=${end / 1000}&step=3600&tier=${tier}`;
  const times = [];
  let shape;
  for (let i = 0; i < RUNS + 2; i++) {
    const t = performance.now();
    const body = await (await fetch(`${agent.api}/api/v1/query_range?${qs}`)).json();
    if (body.status !== 'success') throw new Error(JSON.stringify(body).slice(0, 500));
    if (i >= 2) times.push(performance.now() - t);
    shape ??= { series: body.data.result.length, points: body.data.result.reduce((n, s) => n + s.values.length, 0), infos: body.infos, sample: body.data.result[0]?.values[5] };
  }
  times.sort((a, b) => a - b);
  return { medianMs: +times[Math.floor(times.length / 2)].toFixed(1), minMs: +times[0].toFixed(1), maxMs: +times[times.length - 1].toFixed(1), ...shape };
}

const queries = { sum_over_time: 'sum_over_time({__name__=~"fill_gauge_.*"}[1h])', avg_over_time: 'avg_over_time({__name__=~"fill_gauge_.*"}[1h])', increase: 'increase({__name__=~"fill_counter_.*"}[1h])' };
const results = {};
const load = [];
for (const [name, q] of Object.entries(queries)) {
  load.push(Number((await import('node:os')).loadavg()[0].toFixed(2)));
  // Interleaved: tier 2, raw, tier 2, raw (each a median of RUNS).
  const a = await latency(q, 2);
  const b = await latency(q, 0);
  const a2 = await latency(q, 2);
  const b2 = await latency(q, 0);
  const tier2 = Math.min(a.medianMs, a2.medianMs);
  const raw = Math.min(b.medianMs, b2.medianMs);
  results[name] = { query: q, tier2: a, raw: b, tier2Again: a2.medianMs, rawAgain: b2.medianMs, ratioRawOverTier2: +(raw / tier2).toFixed(1), sameAnswer: JSON.stringify(a.sample) === JSON.stringify(b.sample) };
  console.error(JSON.stringify(results[name]));
}
await agent.stop();
bench.remove();
console.log(JSON.stringify({ bench: 'tiers-query', series: SERIES, days: DAYS, sampleIntervalMs: STEP_MS, fillSeconds: Math.round(fillSeconds), rings, results, loadAverage1m: load, at: new Date().toISOString() }));
