// Agent CPU per million input samples of cairn and of vmagent on one workload, each without and
// with one streaming aggregation rule (match {__name__=~"fill_.*"}, interval 1m, without [id],
// outputs count_samples, sum_samples, min, max, last; inputs kept); the difference is the cost
// of the aggregation. Workload: store-fill.mjs' 10,000 series (half gauges, half counters) at
// 10 s of simulated time, 60 points per series per request, encoded once before the runs: as
// OTLP/gRPC for cairn (stores to its disk store, default rollups) and as remote write 1.0 of the
// same series (labels as cairn flattens them, checked against the first cairn run) and samples
// for vmagent (forwards by remote write to a null sink in this process that answers 204). One
// unmeasured round first; agent CPU from /proc/<pid>/stat from the first measured request
// until --settle seconds after the last (longer if vmagent's queue is not empty, or cairn has not
// emitted every interval's outputs, by then). cairn's rule has lag: 10m, a request's span: with
// the default 10 s, one request's newest points close the intervals that the other metrics'
// requests of the same round still fill, and those samples are dropped as late.
// Variants interleaved, a fresh agent per run. vmagent+aggr runs only when the vmagent binary
// (VMAGENT_BIN, default /usr/bin/vmagent) has -remoteWrite.streamAggr.config (v1.86 and later);
// that variant has not been run here, as the packaged vmagent 1.79.5 has no stream aggregation
// (and vmagent aggregates by arrival time unless told otherwise, not by the samples' times).
// Usage (after npm run build):
//   node native-bench/aggr-vs-vmagent.mjs [--runs 5] [--rounds 24] [--settle 8]
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { compressSync } from 'snappy';
import root from '../dist/generated/otlp.js';
import { benchDir, startAgent } from './agent-process.mjs';
import { procCpu, sleep, startTarget, VM_PORT, VMAGENT_BIN, VMAGENT_PORT, vmMetric } from './forward-targets.mjs';
import { encodeWriteRequest, labelBlock } from './remote-write.mjs';
import { createFill, exporter, sendRound } from './store-fill.mjs';

const { ExportMetricsServiceRequest } = root.opentelemetry.proto.collector.metrics.v1;
const arg = (k, d) => (process.argv.includes(`--${k}`) ? process.argv[process.argv.indexOf(`--${k}`) + 1] : d);
const RUNS = Number(arg('runs', 5));
const ROUNDS = Number(arg('rounds', 24));
const SETTLE_MS = Number(arg('settle', 8)) * 1000;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const RULE = `- match: '{__name__=~"fill_.*"}'\n  interval: 1m\n  without: [id]\n  outputs: [count_samples, sum_samples, min, max, last]\n`;
const CAIRN_RULE = `aggregation:\n${RULE.replace(/^(?=.)/gm, '  ')}    keep_input: true\n    to: [store]\n    lag: 10m\n`;
const help = spawnSync(VMAGENT_BIN, ['-help'], { encoding: 'utf8' });
const vmagentAggregates = `${help.stdout}${help.stderr}`.includes('-remoteWrite.streamAggr.config');
const VARIANTS = ['cairn', 'cairn+aggr', 'vmagent', ...(vmagentAggregates ? ['vmagent+aggr'] : [])];

// The workload, encoded once: round 0 is the unmeasured one.
const fill = createFill({ series: 10_000 });
const roundMs = fill.pointsPerSeries * fill.stepMs;
const start = Math.floor((Date.now() - 86_400_000) / 3_600_000) * 3_600_000;
const otlp = Array.from({ length: ROUNDS + 1 }, (_, r) => fill.round(start + r * roundMs));
const rwLabels = new Set();
// 100 output groups (one per metric) × 5 outputs × every 1 min interval the data touches.
const EXPECTED_OUTPUTS = 100 * 5 * ((ROUNDS + 1) * (roundMs / 60_000) + 1);
const rw = otlp.map((requests, r) => requests.map((bytes) => toRemoteWrite(bytes, start + r * roundMs)));

/** The remote-write request of the same samples, named as cairn flattens this workload. */
function toRemoteWrite(bytes, timeMs) {
  const rm = ExportMetricsServiceRequest.decode(bytes).resourceMetrics[0];
  const res = Object.fromEntries(rm.resource.attributes.map((a) => [a.key, a.value.stringValue]));
  const { scope, metrics } = rm.scopeMetrics[0];
  const m = metrics[0];
  const name = `${m.name.replaceAll('.', '_')}${m.gauge ? '_ratio' : '_total'}`; // unit "1" on a gauge; monotonic cumulative sum
  const points = (m.gauge ?? m.sum).dataPoints;
  const series = [];
  for (let i = 0; i < points.length; i += fill.pointsPerSeries) {
    if (BigInt(points[i].timeUnixNano.toString()) !== BigInt(timeMs) * 1_000_000n) throw new Error('unexpected point time');
    const labels = { __name__: name, id: points[i].attributes[0].value.stringValue, instance: res['service.instance.id'], job: res['service.name'], otel_scope_name: scope.name };
    rwLabels.add(JSON.stringify(labels));
    series.push({ block: labelBlock(labels), value: (k) => points[i + k].asDouble });
  }
  return compressSync(encodeWriteRequest(series, 0, fill.pointsPerSeries, timeMs, fill.stepMs));
}

/** Whether cairn stored exactly the series the remote-write requests carry. */
async function sameSeries(api) {
  const q = new URLSearchParams({ 'match[]': '{__name__=~"fill_.*"}', start: String(start / 1000), end: String((start + (ROUNDS + 1) * roundMs) / 1000) });
  const stored = (await (await fetch(`${api}/api/v1/series?${q}`)).json()).data.filter((s) => !s.__name__.includes(':'));
  const keys = stored.map((s) => JSON.stringify(Object.fromEntries(Object.entries(s).sort(([a], [b]) => (a < b ? -1 : 1)))));
  return keys.length === rwLabels.size && keys.every((k) => rwLabels.has(k));
}

// vmagent's remote-write destination: takes every request and answers 204.
let sinkBytes = 0;
const sink = http.createServer((req, res) => {
  req.on('data', (c) => (sinkBytes += c.length));
  req.on('end', () => res.writeHead(204).end());
});
await new Promise((r) => sink.listen(VM_PORT, '127.0.0.1', r));

async function startVariant(variant, bench) {
  const aggr = variant.endsWith('+aggr');
  if (variant.startsWith('cairn')) {
    const agent = await startAgent(bench.dir, `host:\n  enabled: false\nstore:\n  path: ${JSON.stringify(bench.store)}\n${aggr ? CAIRN_RULE : ''}`);
    const { send, close } = exporter(agent.grpc);
    return {
      pid: agent.child.pid,
      send,
      rounds: otlp,
      drained: async () => !aggr || (await agent.metric('cairn_aggregation_output_samples_total')) >= EXPECTED_OUTPUTS,
      stats: async () =>
        aggr ? { aggregationInputs: await agent.metric('cairn_aggregation_input_samples_total'), droppedLate: (await agent.metric('cairn_aggregation_dropped_samples_total\\{rule="0",reason="late"\\}')) ?? 0, aggregationOutputs: await agent.metric('cairn_aggregation_output_samples_total') } : {},
      check: () => sameSeries(agent.api),
      stop: async () => (close(), agent.stop()),
    };
  }
  const config = join(bench.dir, 'stream-aggr.yaml');
  writeFileSync(config, RULE);
  const t = await startTarget('vmagent', { data: join(bench.dir, 'vmagent') }, undefined, aggr ? [`-remoteWrite.streamAggr.config=${config}`, '-remoteWrite.streamAggr.keepInput'] : []);
  const sink0 = sinkBytes;
  return {
    pid: t.pid,
    send: async (body) => {
      if (!(await t.send(body))) throw new Error('refused');
    },
    rounds: rw,
    drained: async () => (await t.backlog()) <= t.floor,
    stats: async () => ({ rowsInserted: await vmagentRows(), forwardedBytes: sinkBytes - sink0 }),
    stop: t.stop,
  };
}
const vmagentRows = () => vmMetric('vmagent_rows_inserted_total\\{type="promremotewrite"\\}', VMAGENT_PORT);

async function run(variant, check) {
  const bench = benchDir();
  const target = await startVariant(variant, bench);
  await sendRound(target.send, target.rounds[0]);
  await sleep(1000);
  const cpu0 = procCpu(target.pid);
  const t0 = performance.now();
  for (let r = 1; r <= ROUNDS; r++) await sendRound(target.send, target.rounds[r]);
  const sendSeconds = (performance.now() - t0) / 1000;
  await sleep(SETTLE_MS);
  for (let i = 0; i < 600 && !(await target.drained()); i++) await sleep(100);
  const windowSeconds = (performance.now() - t0) / 1000;
  const cpu = procCpu(target.pid) - cpu0;
  const points = ROUNDS * fill.points;
  const out = { variant, points, cpuSeconds: +cpu.toFixed(2), cpuPerMillion: +((cpu / points) * 1e6).toFixed(3), pointsPerSecond: Math.round(points / sendSeconds), windowSeconds: +windowSeconds.toFixed(1), ...(await target.stats()) };
  if (check && target.check) out.sameSeriesAsRemoteWrite = await target.check();
  await target.stop();
  bench.remove();
  return out;
}

const results = Object.fromEntries(VARIANTS.map((v) => [v, []]));
const load = [];
for (let i = 0; i < RUNS; i++) {
  for (const v of VARIANTS) {
    load.push(+loadavg()[0].toFixed(2));
    const r = await run(v, i === 0);
    results[v].push(r);
    console.error(JSON.stringify(r));
  }
}
sink.close();
const med = Object.fromEntries(VARIANTS.map((v) => [v, median(results[v].map((r) => r.cpuPerMillion))]));
const out = {
  bench: 'aggr-vs-vmagent',
  runs: RUNS,
  rounds: ROUNDS,
  pointsPerRun: ROUNDS * fill.points,
  vmagentStreamAggregation: vmagentAggregates ? 'run' : `not run: ${VMAGENT_BIN} has no -remoteWrite.streamAggr.config`,
  cpuPerMillion: Object.fromEntries(VARIANTS.map((v) => [v, results[v].map((r) => r.cpuPerMillion)])),
  medianCpuPerMillion: med,
  pointsPerSecond: Object.fromEntries(VARIANTS.map((v) => [v, results[v].map((r) => r.pointsPerSecond)])),
  aggregationCpuPerMillionInput: { cairn: +(med['cairn+aggr'] - med.cairn).toFixed(3), ...(vmagentAggregates ? { vmagent: +(med['vmagent+aggr'] - med.vmagent).toFixed(3) } : {}) },
  loadAverage1m: load,
  at: new Date().toISOString(),
};
console.log(JSON.stringify(out));
