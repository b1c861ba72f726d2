// Processes the forwarding benchmarks run: VictoriaMetrics as the upstream, vmagent or the
// cairn agent under test (with how to send it a request and read its backlog), and /proc readings.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { startAgent } from './agent-process.mjs';

const env = (k, d) => Number(process.env[k] ?? d);
export const VM_PORT = env('VM_PORT', 18528);
export const VMAGENT_PORT = env('VMAGENT_PORT', 18529);
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function startProcess(bin, args) {
  const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr.on('data', () => {});
  return child;
}
export async function stopProcess(child, signal = 'SIGTERM') {
  if (child.exitCode !== null) return;
  const done = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await done;
}
export async function waitHttp(url) {
  for (let i = 0; i < 400; i++) {
    if ((await fetch(url).catch(() => null))?.ok) return;
    await sleep(50);
  }
  throw new Error(`${url} never answered`);
}
export const startVm = async (dir) => {
  const vm = startProcess('/usr/bin/victoria-metrics', [`-httpListenAddr=127.0.0.1:${VM_PORT}`, `-storageDataPath=${dir}`, '-retentionPeriod=100y', '-dedup.minScrapeInterval=1ms', '-search.latencyOffset=0s', '-loggerLevel=ERROR']);
  await waitHttp(`http://127.0.0.1:${VM_PORT}/health`);
  return vm;
};
/** Sum of the samples of `name` in the /metrics of VictoriaMetrics (or of vmagent, with its port). */
export const vmMetric = async (name, port = VM_PORT) => {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  let sum = 0;
  for (const m of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))) sum += Number(m[1]);
  return sum;
};

export function dirBytes(dir) {
  let n = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    try {
      n += e.isDirectory() ? dirBytes(p) : statSync(p).size;
    } catch {}
  }
  return n;
}
export const procCpu = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
};
export const procHwmMiB = (pid) => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

/** The vmagent binary the benchmarks run (VMAGENT_BIN replaces the packaged one). */
export const VMAGENT_BIN = process.env.VMAGENT_BIN ?? '/usr/bin/vmagent';

/**
 * The agent under test: how to send it a request, read its backlog, and its process.
 * `vmagentArgs` are added to vmagent's flags.
 */
export async function startTarget(kind, dirs, exporterYaml, vmagentArgs = []) {
  if (kind === 'vmagent') {
    const child = startProcess(VMAGENT_BIN, [`-httpListenAddr=127.0.0.1:${VMAGENT_PORT}`, `-remoteWrite.url=http://127.0.0.1:${VM_PORT}/api/v1/write`, `-remoteWrite.tmpDataPath=${dirs.data}`, '-remoteWrite.maxDiskUsagePerURL=1GB', '-loggerLevel=ERROR', ...vmagentArgs]);
    await waitHttp(`http://127.0.0.1:${VMAGENT_PORT}/health`);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
    return {
      pid: child.pid,
      format: 'rw',
      send: (body) => post(agent, `http://127.0.0.1:${VMAGENT_PORT}/api/v1/write`, body),
      backlog: async () => {
        const text = await (await fetch(`http://127.0.0.1:${VMAGENT_PORT}/metrics`)).text();
        let sum = 0;
        for (const m of text.matchAll(/^vmagent_remotewrite_pending_data_bytes(?:\{[^}]*\})? (\S+)$/gm)) sum += Number(m[1]);
        return sum;
      },
      floor: 64 * 1024,
      stop: () => stopProcess(child),
    };
  }
  const exporters = exporterYaml ?? `exporters:\n  vm:\n    kind: prometheus_remote_write\n    endpoints: ["http://127.0.0.1:${VM_PORT}/api/v1/write"]\n    max_batch_points: ${env('MAX_BATCH', 2000)}\n`;
  const a = await startAgent(dirs.root, `host: { enabled: false }\ntelemetry: { store: false }\nstore: { path: ${JSON.stringify(dirs.data)}, max_disk_bytes: 4GiB }\n${exporters}`);
  const client = new grpc.Client(a.grpc, grpc.credentials.createInsecure());
  return {
    pid: a.child.pid,
    format: 'otlp',
    send: (body) =>
      new Promise((resolve) =>
        client.makeUnaryRequest('/opentelemetry.proto.collector.metrics.v1.MetricsService/Export', (b) => b, (b) => b, body, new grpc.Metadata(), { deadline: Date.now() + 10_000 }, (err) => resolve(err == null)),
      ),
    backlog: async () => {
      const all = (await (await fetch(`${a.api}/api/v1/status/exporters`)).json()).data;
      return all.reduce((n, s) => n + (s.pendingPoints ?? 0) + s.inFlight + (s.lagSeconds > 0 ? 1 : 0), 0);
    },
    floor: 3800,
    stop: async () => {
      client.close();
      await a.stop();
    },
    status: async () => (await (await fetch(`${a.api}/api/v1/status/exporters`)).json()).data[0],
    grpc: a.grpc,
  };
}

function post(agent, url, body) {
  return new Promise((resolve) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'Content-Encoding': 'snappy', 'Content-Type': 'application/x-protobuf', 'X-Prometheus-Remote-Write-Version': '0.1.0', 'Content-Length': body.length } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode >= 200 && res.statusCode < 300));
    });
    req.on('error', () => resolve(false));
    req.end(body);
  });
}

