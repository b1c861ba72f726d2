// Store benchmarks through the real agent: bytes per sample on disk, query latency, and
// start-up / WAL replay time. Usage (after npm run build):
//   node native-bench/store-e2e.mjs bytes-and-queries     (10,000 series × 360 points at 10 s, + 1 series × 24 h)
//   node native-bench/store-e2e.mjs replay [--points 20000000]   (a WAL full of unflushed samples)
import * as grpc from '@grpc/grpc-js';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import root from '../dist/generated/otlp.js';
import { benchDir, du, startAgent } from './agent-process.mjs';
import { createStoreWorkload, METRICS } from './store-workload.mjs';
import { buildWorkload, setTimestamps } from './workload.mjs';

const { ExportMetricsServiceRequest } = root.opentelemetry.proto.collector.metrics.v1;
const mode = process.argv[2] ?? 'bytes-and-queries';
const argPoints = Number(process.argv[process.argv.indexOf('--points') + 1] || 20_000_000);

function exporter(address) {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  const id = (b) => b;
  return (bytes) =>
    new Promise((resolve, reject) =>
      client.makeUnaryRequest('/opentelemetry.proto.collector.metrics.v1.MetricsService/Export', id, id, Buffer.from(bytes), (err) => (err ? reject(err) : resolve())),
    );
}


async function latency(api, query, runs = 30) {
  const times = [];
  for (let i = 0; i < runs + 3; i++) {
    const t0 = performance.now();
    const res = await fetch(`${api}/api/v1/query_range?${query}`);
    const body = await res.json();
    if (body.status !== 'success') throw new Error(JSON.stringify(body));
    if (i >= 3) times.push(performance.now() - t0);
    if (i === 0) var series = body.data.result.length, points = body.data.result.reduce((n, s) => n + s.values.length, 0);
  }
  times.sort((a, b) => a - b);
  return { medianMs: +times[Math.floor(times.length / 2)].toFixed(2), p99Ms: +times[Math.min(times.length - 1, Math.floor(times.length * 0.99))].toFixed(2), series, points };
}

if (mode === 'bytes-and-queries') {
  const bench = benchDir();
  const agent = await startAgent(bench.dir, `store:\n  path: ${JSON.stringify(bench.store)}\n`);
  const send = exporter(agent.grpc);
  const t0 = Math.floor((Date.now() - 25 * 3_600_000) / 10_000) * 10_000;
  // One series over 24 h at 10 s first (its own metric), in 1,000-point requests.
  const day = [];
  for (let k = 0; k < 8640; k++) day.push({ timeUnixNano: String(BigInt(t0 + 3_600_000 + k * 10_000) * 1_000_000n), asDouble: Math.round(Math.sin(k / 100) * 1000) / 100 });
  for (let k = 0; k < day.length; k += 1000) {
    const body = { resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'bench.day', unit: '1', gauge: { dataPoints: day.slice(k, k + 1000) } }] }] }] };
    await send(ExportMetricsServiceRequest.encode(ExportMetricsServiceRequest.fromObject(body)).finish());
  }
  // 10,000 series × 360 points at 10 s, then one more round so every 1 h page is cut.
  const work = createStoreWorkload();
  const base = Math.floor((Date.now() - 2 * 3_600_000) / 10_000) * 10_000;
  let samples = 0;
  let head = {};
  for (let round = 0; round <= 360; round++) {
    if (round === 360) head = { samples: await agent.metric('cairn_store_head_samples'), chunkBytes: await agent.metric('cairn_store_head_bytes') };
    const reqs = work.round(base + round * 10_000);
    await Promise.all(reqs.map(send));
    if (round < 360) samples += reqs.length * 1000;
  }
  const totalSamples = samples + 8640;
  const walAfterIngest = du(join(bench.store, 'wal'));
  // Ingest is over: the head is checkpointed once quiet (15 s) and the WAL it covers deleted at
  // the next maintenance (every 5 s); pages are flushed every second.
  const waitUntil = Date.now() + 40_000;
  while (Date.now() < waitUntil && !(existsSync(join(bench.store, 'head', 'checkpoint.ckp')) && readdirSync(join(bench.store, 'wal')).filter((n) => n.endsWith('.wal')).length <= 1)) await new Promise((r) => setTimeout(r, 500));
  const onDisk = { tier0: du(join(bench.store, 'tier0')), index: du(join(bench.store, 'index')), head: existsSync(join(bench.store, 'head')) ? du(join(bench.store, 'head')) : 0, wal: du(join(bench.store, 'wal')) };
  const perSample = (n) => +(n / totalSamples).toFixed(3);
  const bytes = {
    samples: totalSamples,
    walBytesPerPointDuringIngest: perSample(walAfterIngest),
    headBytesPerSample: +(head.chunkBytes / head.samples).toFixed(3),
    head,
    pagesAndIndexPerSample: perSample(onDisk.tier0 + onDisk.index),
    everythingPerSample: perSample(onDisk.tier0 + onDisk.index + onDisk.head + onDisk.wal),
    datafilesAndJournalsPerSample: perSample(onDisk.tier0),
    onDisk,
  };
  const now = Date.now();
  const queries = {
    oneSeries24h: await latency(agent.api, `query=bench_day_ratio&start=${(t0 + 3_600_000) / 1000}&end=${(t0 + 3_600_000 + 8639 * 10_000) / 1000}&step=10`),
    thousandSeries1h: await latency(agent.api, `query=${encodeURIComponent('bench_requests_total')}&start=${base / 1000}&end=${(base + 3590_000) / 1000}&step=10`),
  };
  await agent.stop();
  bench.remove();
  console.log(JSON.stringify({ bench: 'store-bytes-and-queries', metrics: METRICS.length, bytes, queries, at: new Date(now).toISOString() }));
} else if (mode === 'replay') {
  // Fill the WAL with samples that stay in the head (pages never cut), then time a restart.
  const bench = benchDir();
  const yaml = `store:\n  path: ${JSON.stringify(bench.store)}\n  page_points: 65536\n  page_max_age: 24d\n  max_disk_bytes: 4GiB\n`;
  const agent = await startAgent(bench.dir, yaml);
  const send = exporter(agent.grpc);
  const { requests, offsets } = buildWorkload({ series: 10_000, pointsPerRequest: 1000 });
  const start = Date.now() - 24 * 3_600_000;
  let sent = 0;
  for (let round = 0; sent < argPoints; round++) {
    await Promise.all(requests.map((r, i) => {
      const copy = Buffer.from(r);
      setTimestamps(copy, offsets[i], start + round * 1000);
      return send(copy);
    }));
    sent += requests.length * 1000;
  }
  const walBytes = du(join(bench.store, 'wal'));
  await agent.stop();
  const again = await startAgent(bench.dir, yaml);
  const opened = again.log.find((r) => r.msg === 'store opened');
  const peak = again.peakRssMiB();
  await again.stop();
  bench.remove();
  console.log(JSON.stringify({ bench: 'store-replay', samples: sent, walMiB: +(walBytes / 2 ** 20).toFixed(1), readyMs: Math.round(again.readyMs), replayMs: opened?.replayMs, replayedRecords: opened?.records, peakRssMiB: +peak.toFixed(1) }));
}
