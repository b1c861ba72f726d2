// Ingest latency while a heavy query runs (issue 10: "ingest latency stays within 2× of idle
// while a 10,000-series rate over 24 h runs"). A steady OTLP/gRPC export load (1,000 points
// every 100 ms, live timestamps) is timed for `--phase` seconds idle, then for `--phase`
// seconds while `sum(rate(...[5m]))` over the ~10,000 series of promql-dataset.mjs × 24 h
// (step 60 s) runs back to back through the query API. Reports p50/p99 export latency of both.
// Usage (after npm run build): node native-bench/ingest-during-query.mjs [--hours 24] [--phase 60]
import * as grpc from '@grpc/grpc-js';
import { benchDir, startAgent } from './agent-process.mjs';
import { otlpTemplate, STEP_MS } from './promql-dataset.mjs';
import { buildWorkload, setTimestamps } from './workload.mjs';

const args = Object.fromEntries(process.argv.slice(2).join(' ').split('--').filter(Boolean).map((a) => { const [k, v] = a.trim().split(/\s+/); return [k, v ?? true]; }));
const hours = Number(args.hours ?? 24);
const phaseMs = Number(args.phase ?? 60) * 1000;
const steps = (hours * 3_600_000) / STEP_MS;
const end = Math.floor(Date.now() / STEP_MS) * STEP_MS - 120_000;
const t0 = end - (steps - 1) * STEP_MS;
const bench = benchDir();
const agent = await startAgent(bench.dir, `store:\n  path: ${JSON.stringify(bench.store)}\n  max_disk_bytes: 8GiB\nhost:\n  enabled: false\ntelemetry:\n  store: false\nquery:\n  timeout: 10m\n`);
const log = (o) => console.error(JSON.stringify(o));

let started = performance.now();
const lanes = Array.from({ length: 4 }, (_, lane) => otlpTemplate(t0, (j) => j % 4 === lane));
await Promise.all(
  lanes.map(async (tpl) => {
    for (let k = 0; k < steps; k++) {
      const res = await fetch(`http://${agent.http}/v1/metrics`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: tpl.at(k) });
      if (res.status !== 200) throw new Error(`refused: ${res.status}`);
    }
  }),
);
log({ loaded: lanes.reduce((a, t) => a + t.points, 0) * steps, seconds: (performance.now() - started) / 1000 });
await new Promise((r) => setTimeout(r, 5000));

// The steady export load: its own 1,000 series (another resource), one request per 100 ms.
const live = buildWorkload({ series: 1000, pointsPerRequest: 1000, seed: 7 });
const body = Buffer.from(live.requests[0]);
const client = new grpc.Client(agent.grpc, grpc.credentials.createInsecure());
const identity = (b) => b;
const exportOnce = () =>
  new Promise((resolve, reject) => {
    setTimestamps(body, live.offsets[0], Date.now());
    const t = performance.now();
    client.makeUnaryRequest('/opentelemetry.proto.collector.metrics.v1.MetricsService/Export', identity, identity, body, (err) => (err ? reject(err) : resolve(performance.now() - t)));
  });

async function exportsFor(ms) {
  const latencies = [];
  const stop = performance.now() + ms;
  while (performance.now() < stop) {
    const next = performance.now() + 100;
    latencies.push(await exportOnce());
    const wait = next - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  return latencies;
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return +s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)].toFixed(2);
};

await exportsFor(5000); // warm up
const idle = await exportsFor(phaseMs);
log({ phase: 'idle', exports: idle.length, p50: pct(idle, 50), p99: pct(idle, 99) });

const query = 'sum(rate({job=~"job-.*"}[5m]))';
const params = new URLSearchParams({ query, start: String((end - (hours * 3_600_000 - 300_000)) / 1000), end: String(end / 1000), step: '60' });
let querying = true;
const queryTimes = [];
const cpu0 = agent.cpuSeconds();
const queries = (async () => {
  while (querying) {
    const t = performance.now();
    const res = await (await fetch(`${agent.api}/api/v1/query_range`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: params })).json();
    if (res.status !== 'success') throw new Error(res.error);
    queryTimes.push(performance.now() - t);
  }
})();
const during = await exportsFor(phaseMs);
querying = false;
await queries;
const cpu1 = agent.cpuSeconds();
log({ phase: 'query', exports: during.length, p50: pct(during, 50), p99: pct(during, 99), queries: queryTimes.length, queryMedianMs: pct(queryTimes, 50) });

client.close();
await agent.stop();
bench.remove();
console.log(
  JSON.stringify({
    date: new Date().toISOString(),
    hours,
    phaseSeconds: phaseMs / 1000,
    query,
    idle: { exports: idle.length, p50Ms: pct(idle, 50), p99Ms: pct(idle, 99) },
    duringQuery: { exports: during.length, p50Ms: pct(during, 50), p99Ms: pct(during, 99), queriesCompleted: queryTimes.length, queryMs: queryTimes.map((x) => +x.toFixed(0)), agentCpuSeconds: +(cpu1 - cpu0).toFixed(1) },
    p99Ratio: +(pct(during, 99) / pct(idle, 99)).toFixed(2),
  }),
);
