// New series: how fast the agent takes them (10,000 or 100,000 new in one request; steady
// churn), what each active series costs in memory, and the restart with all of them.
// Usage (after npm run build):
//   node native-bench/series-memory.mjs [--series 1000000] [--per-request 10000] [--max-series 0]
//   (--max-series N sets limits.max_series: the burst beyond it is refused, and peak RSS tells
//   whether memory stays bounded)
import { benchDir, startAgent } from './agent-process.mjs';
import root from '../dist/generated/otlp.js';
import http from 'node:http';

const { ExportMetricsServiceRequest } = root.opentelemetry.proto.collector.metrics.v1;
const arg = (name, dflt) => (process.argv.includes(`--${name}`) ? Number(process.argv[process.argv.indexOf(`--${name}`) + 1]) : dflt);
const total = arg('series', 1_000_000);
const perRequest = arg('per-request', 10_000);
const maxSeries = arg('max-series', 0);
const nowNs = BigInt(Date.now()) * 1_000_000n;

/** `n` gauge series of one metric never seen before (ids from `first`), one point each. */
function request(first, n) {
  const dataPoints = [];
  for (let i = first; i < first + n; i++) dataPoints.push({ timeUnixNano: String(nowNs), asDouble: i % 1000, attributes: [{ key: 'pod', value: { stringValue: `pod-${i}` } }, { key: 'zone', value: { stringValue: `z${i % 7}` } }] });
  return ExportMetricsServiceRequest.encode(ExportMetricsServiceRequest.fromObject({ resourceMetrics: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'churn' } }] }, scopeMetrics: [{ metrics: [{ name: 'churn.value', unit: '1', gauge: { dataPoints } }] }] }] })).finish();
}

function post(url, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const bench = benchDir();
const yaml = `store:\n  path: ${JSON.stringify(bench.store)}\n  max_disk_bytes: 8GiB\nhost:\n  enabled: false\ntelemetry:\n  store: false\nlimits:\n  max_new_series_per_request: 200000\n  max_series: ${maxSeries}\n`;
const agent = await startAgent(bench.dir, yaml);
const httpUrl = `http://${agent.http}/v1/metrics`;
const idleRss = await agent.metric('cairn_process_resident_memory_bytes');
const result = { bench: 'series-memory', series: total, perRequest, maxSeries };
// One request of 10,000 and one of 100,000 new series, timed alone.
for (const n of [10_000, 100_000]) {
  const body = request(10_000_000 + n, n);
  const t0 = performance.now();
  await post(httpUrl, body);
  result[`oneRequestOf${n}NewSeriesMs`] = Math.round(performance.now() - t0);
}
// Steady churn: `total` new series, `perRequest` at a time, 2 requests in flight.
const t0 = performance.now();
let next = 0;
async function lane() {
  while (next < total) {
    const first = next;
    next += perRequest;
    await post(httpUrl, request(first, Math.min(perRequest, total - first)));
  }
}
await Promise.all([lane(), lane()]);
const churnSeconds = (performance.now() - t0) / 1000;
result.churnNewSeriesPerSecond = Math.round(total / churnSeconds);
await new Promise((r) => setTimeout(r, 3000));
const rss = await agent.metric('cairn_process_resident_memory_bytes');
const heap = await agent.metric('cairn_process_heap_used_bytes');
const series = await agent.metric('cairn_store_series');
result.storeSeries = series;
result.rssMiB = +(rss / 2 ** 20).toFixed(1);
result.idleRssMiB = +(idleRss / 2 ** 20).toFixed(1);
result.bytesPerSeriesRss = Math.round((rss - idleRss) / series);
result.bytesPerSeriesHeap = Math.round(heap / series);
result.peakRssMiB = +agent.peakRssMiB().toFixed(1);
await agent.stop();
if (process.env.CAIRN_BENCH_RESTART_PROF) process.env.CAIRN_BENCH_NODE_ARGS = `--max-semi-space-size=4 --cpu-prof --cpu-prof-dir=${process.env.CAIRN_BENCH_RESTART_PROF}`;
const again = await startAgent(bench.dir, yaml);
result.restartReadyMs = Math.round(again.readyMs);
await new Promise((r) => setTimeout(r, 1000));
result.restartRssMiB = +((await again.metric('cairn_process_resident_memory_bytes')) / 2 ** 20).toFixed(1);
result.restartPeakRssMiB = +again.peakRssMiB().toFixed(1);
await again.stop();
bench.remove();
console.log(JSON.stringify(result));
