// Drain throughput: a backlog of POINTS points (10,000 series, one point each per step) is
// written into a store while its exporter's upstream is down, then the upstream comes up and
// the time until the backlog is delivered is measured, with the CPU this process spent from
// then on (the exporter's retries during the write are not counted).
// The store and exporter run in this process (the same code the agent runs); the upstream is a
// real VictoriaMetrics (UPSTREAM=vm, counted back) or a null remote write receiver in a child
// process (UPSTREAM=null: the exporter's own ceiling).
// Usage: npm run build && UPSTREAM=vm POINTS=10000000 node native-bench/forward-drain.mjs [remote_write|otlp_grpc]
import { spawn } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validate } from '../dist/config/index.js';
import { Exporter } from '../dist/exporters/index.js';
import { silentLogger } from '../dist/log/index.js';
import { BatchBuilder } from '../dist/model/index.js';
import { DiskStore } from '../dist/store/index.js';
import { compressExtent, decompressExtent } from '../dist/store/encoding/index.js';
import { Registry } from '../dist/telemetry/index.js';
import { valueOf } from './forward-workload.mjs';

const POINTS = Number(process.env.POINTS ?? 2_000_000);
const UPSTREAM = process.env.UPSTREAM ?? 'null';
const SERIES = 10_000;
const KIND = process.argv[2] ?? 'remote_write';
const PORT = Number(process.env.PORT ?? 18538);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const dir = mkdtempSync(join(tmpdir(), 'cairn-drain-'));
const cfg = validate({ store: { path: join(dir, 'data'), max_disk_bytes: '8GiB' } });
const store = new DiskStore({ config: cfg.config.store, compress: async (r) => compressExtent(r), decompress: (b, n) => decompressExtent(b, n), logger: silentLogger, registry: new Registry() });
await store.start();

// The exporter exists (its cursor holds the WAL) before the backlog is written; its upstream is
// not listening yet, so everything piles up, as in an outage.
const endpoint = KIND === 'otlp_grpc' ? `127.0.0.1:${PORT}` : KIND === 'otlp_http' ? `http://127.0.0.1:${PORT}/v1/metrics` : `http://127.0.0.1:${PORT}/api/v1/write`;
const kind = KIND === 'remote_write' ? 'prometheus_remote_write' : KIND;
const exporterCfg = validate({ exporters: { b: { kind, endpoints: [endpoint], max_batch_points: Number(process.env.MAX_BATCH ?? 2000), shards: Number(process.env.SHARDS ?? 1) } } }).config.exporters.b;
const exporter = new Exporter({ name: 'drain', config: exporterCfg, store, registry: new Registry(), logger: silentLogger });
await exporter.start();

// Series definitions as the receivers would make them (gauge fwd_bench_<m>{host}).
const defs = Array.from({ length: SERIES }, (_, s) => ({
  hashHi: 0x1000 + s, hashLo: 0x2000 + s * 7, name: `fwd_bench_${Math.floor(s / 100)}`, kind: 'gauge', temporality: 'unspecified', monotonic: false,
  unit: '', description: '', resource: [], scopeName: '', scopeVersion: '', attributes: [['host', `h${String(s % 100).padStart(3, '0')}`]],
}));
const steps = Math.ceil(POINTS / SERIES);
const startMs = Date.now() - steps * 10_000;
const t0 = performance.now();
for (let step = 0; step < steps; step++) {
  for (let from = 0; from < SERIES; from += 1000) {
    const b = new BatchBuilder();
    for (let s = from; s < from + 1000; s++) b.addSeries(defs[s].hashHi, defs[s].hashLo);
    for (let i = 0; i < 1000; i++) b.addPoint(i, 0, startMs + step * 10_000, valueOf(from + i, step), 0);
    const batch = b.finish();
    batch.definitions = step === 0 ? defs.slice(from, from + 1000) : [];
    await store.append(batch);
  }
}
const written = steps * SERIES;
process.stderr.write(`backlog of ${written} points written in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);

let upstream;
if (UPSTREAM === 'vm') {
  upstream = spawn('/usr/bin/victoria-metrics', [`-httpListenAddr=127.0.0.1:${PORT}`, `-storageDataPath=${join(dir, 'vm')}`, '-retentionPeriod=100y', '-dedup.minScrapeInterval=1ms', '-search.latencyOffset=0s', '-loggerLevel=ERROR'], { stdio: 'ignore' });
  for (let i = 0; i < 200 && !(await fetch(`http://127.0.0.1:${PORT}/health`).catch(() => null))?.ok; i++) await sleep(50);
} else {
  // A null receiver in its own process, so its CPU is not counted as ours.
  upstream = spawn(process.execPath, ['-e', `require('http').createServer((q,s)=>{q.resume();q.on('end',()=>{s.writeHead(q.url==='/v1/metrics'?200:204);s.end()})}).listen(${PORT},'127.0.0.1')`], { stdio: 'ignore' });
  if (KIND === 'otlp_grpc') throw new Error('UPSTREAM=null takes HTTP exporters only (remote_write, otlp_http)');
  await sleep(300);
}
const cpu0 = process.cpuUsage();
const d0 = performance.now();
while ((exporter.status().pendingPoints ?? 1) > 0 || exporter.status().inFlight > 0 || exporter.status().lagSeconds > 0) await sleep(20);
const seconds = (performance.now() - d0) / 1000;
const cpu = process.cpuUsage(cpu0);
const status = exporter.status();
await exporter.shutdown(1000);
await store.shutdown(1000);
let stored = null;
if (UPSTREAM === 'vm') {
  await fetch(`http://127.0.0.1:${PORT}/internal/force_flush`);
  await sleep(1000);
  const q = encodeURIComponent('sum(count_over_time({__name__=~"fwd_bench_.*"}[100d]))');
  stored = Number((await (await fetch(`http://127.0.0.1:${PORT}/api/v1/query?query=${q}`)).json()).data.result[0]?.value[1] ?? 0);
}
upstream.kill('SIGTERM');
await new Promise((r) => upstream.once('exit', r));
rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify({
  bench: 'forward-drain', date: new Date().toISOString(), kind: KIND, upstream: UPSTREAM, max_batch_points: exporterCfg.max_batch_points, shards: exporterCfg.shards,
  backlog_points: written, drain_s: Number(seconds.toFixed(2)), points_per_s: Math.round(written / seconds),
  cpu_s: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)), cpu_s_per_million: Number((((cpu.user + cpu.system) / 1e6 / written) * 1e6).toFixed(2)),
  sent: status.sentPoints, dropped: status.droppedPoints, stored_upstream: stored,
}));
