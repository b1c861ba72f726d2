// Agent CPU per million ingested samples with rollups off, rollups on (the default tiers), and
// rollups on plus one streaming aggregation rule matching every series; variants interleaved,
// each run a fresh agent and store. Workload: store-fill.mjs' 10,000 series (half gauges with
// two decimals, half counters) at 10 s in simulated time, 60 points per series per request
// (10 min of data per round), so raw pages are cut at page_max_age (1 h of data) and tier rows
// close as data time passes. Tier 1 writes a series every 4 h of data (240 rows): a run needs
// several times that for its writes to be inside the measured window (48 rounds = 8 h).
// Usage (after npm run build):
//   node native-bench/tiers-cpu.mjs [--runs 3] [--rounds 48] [--variants raw,rollups,aggr]
import { benchDir, startAgent } from './agent-process.mjs';
import { createFill, exporter, sendRound } from './store-fill.mjs';

const arg = (k, d) => (process.argv.includes(`--${k}`) ? process.argv[process.argv.indexOf(`--${k}`) + 1] : d);
const RUNS = Number(arg('runs', 3));
const ROUNDS = Number(arg('rounds', 48));
const RULE = `aggregation:
  - match: '{__name__=~"fill_.*"}'
    interval: 1m
    without: [id]
    outputs: [count_samples, sum_samples, min, max, last]
    keep_input: true
    to: [store]
    # A request holds 10 minutes of one metric: with less lag, later requests' samples of the
    # same minutes would be late (dropped and counted), and the rule would see under half its input.
    lag: 10m
`;
const VARIANTS = {
  raw: 'rollups:\n  enabled: false\n',
  rollups: 'rollups:\n  enabled: true\n',
  aggr: `rollups:\n  enabled: true\n${RULE}`,
};
const chosen = arg('variants', 'raw,rollups,aggr').split(',');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function run(variant) {
  const bench = benchDir();
  const agent = await startAgent(bench.dir, `host:\n  enabled: false\nstore:\n  path: ${JSON.stringify(bench.store)}\n${VARIANTS[variant]}`);
  const fill = createFill({ series: 10_000 });
  const { send, close } = exporter(agent.grpc);
  const roundMs = fill.pointsPerSeries * fill.stepMs;
  let time = Math.floor((Date.now() - 86_400_000) / 3_600_000) * 3_600_000;
  // The first round creates the series and warms the code: not measured.
  await sendRound(send, fill.round(time));
  time += roundMs;
  await sleep(1000);
  const cpu0 = agent.cpuSeconds();
  const t0 = performance.now();
  for (let r = 0; r < ROUNDS; r++, time += roundMs) await sendRound(send, fill.round(time));
  const sendSeconds = (performance.now() - t0) / 1000;
  // Let cut pages, their rollups and the aggregation intervals settle (same wait for every variant).
  await sleep(3000);
  const cpu = agent.cpuSeconds() - cpu0;
  const points = ROUNDS * fill.points;
  const rows1 = await agent.metric('cairn_rollup_rows_written_total');
  const aggOut = await agent.metric('cairn_aggregation_output_samples_total');
  close();
  await agent.stop();
  bench.remove();
  return { variant, points, cpuSeconds: +cpu.toFixed(2), cpuPerMillion: +((cpu / points) * 1e6).toFixed(3), pointsPerSecond: Math.round(points / sendSeconds), rollupRowsFirstSeries: rows1, aggregationOutputs: aggOut };
}

const results = Object.fromEntries(chosen.map((v) => [v, []]));
const load = [];
for (let i = 0; i < RUNS; i++) {
  for (const v of chosen) {
    load.push(Number((await import('node:os')).loadavg()[0].toFixed(2)));
    const r = await run(v);
    results[v].push(r);
    console.error(JSON.stringify(r));
  }
}
const med = Object.fromEntries(chosen.map((v) => [v, median(results[v].map((r) => r.cpuPerMillion))]));
const out = { bench: 'tiers-cpu', runs: RUNS, rounds: ROUNDS, pointsPerRun: results[chosen[0]][0].points, cpuPerMillion: Object.fromEntries(chosen.map((v) => [v, results[v].map((r) => r.cpuPerMillion)])), medianCpuPerMillion: med, pointsPerSecond: Object.fromEntries(chosen.map((v) => [v, results[v].map((r) => r.pointsPerSecond)])), loadAverage1m: load, at: new Date().toISOString() };
if (med.raw !== undefined && med.rollups !== undefined) out.rollupsShareOfIngest = +((med.rollups - med.raw) / med.raw).toFixed(3);
if (med.rollups !== undefined && med.aggr !== undefined) out.aggregationCpuPerMillionInput = +(med.aggr - med.rollups).toFixed(3);
console.log(JSON.stringify(out));
