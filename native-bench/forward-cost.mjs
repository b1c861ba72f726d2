// Forwarding cost: agent CPU seconds per million points, ingest alone and ingest + forwarding
// (remote write 1.0 to VictoriaMetrics; OTLP/gRPC to a second cairn whose store is off), and
// vmagent's ingest + forwarding to the same VictoriaMetrics, in one run on one workload: POINTS
// points (10,000 series, one point each per step) sent as fast as the agent takes them, 2 in
// flight, then until the agent's backlog is empty. The forwarding cost is the difference to the
// ingest-only run. The generator's CPU (encoding, sending) is not counted.
// Usage: npm run build && POINTS=2000000 node native-bench/forward-cost.mjs
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { benchDir, startAgent } from './agent-process.mjs';
import { procCpu, sleep, startTarget, startVm, stopProcess, VM_PORT } from './forward-targets.mjs';
import { stepRequests } from './forward-workload.mjs';

const POINTS = Number(process.env.POINTS ?? 2_000_000);
const SERIES = 10_000;
const steps = Math.ceil(POINTS / SERIES);
const startMs = Math.floor(Date.now() / 10_000) * 10_000 - steps * 10_000;
const encoded = {};
const bodiesFor = (format) =>
  (encoded[format] ??= Array.from({ length: steps }, (_, step) => stepRequests({ series: SERIES, perRequest: 1000, step, timeMs: startMs + step * 10_000, format })).flat());

async function run(name, kind, exporterYaml) {
  const d = benchDir();
  const dirs = { root: d.dir, data: join(d.dir, 'data'), vm: join(d.dir, 'vm') };
  mkdirSync(dirs.vm, { recursive: true });
  const vm = await startVm(dirs.vm);
  const sink = name === 'cairn+otlp_grpc' ? await startAgent(d.dir, 'host: { enabled: false }\ntelemetry: { store: false }\nstore: { enabled: false }\n') : undefined;
  const yaml = typeof exporterYaml === 'function' ? exporterYaml(sink) : exporterYaml;
  const target = await startTarget(kind, dirs, yaml);
  const bodies = bodiesFor(target.format);
  await sleep(500);
  const cpu0 = procCpu(target.pid);
  const t0 = performance.now();
  let accepted = 0;
  let next = 0;
  const lane = async () => {
    while (next < bodies.length) {
      const body = bodies[next++];
      while (!(await target.send(body))) await sleep(50);
      accepted += 1000;
    }
  };
  await Promise.all([lane(), lane()]);
  const sentS = (performance.now() - t0) / 1000;
  for (let i = 0; i < 2400 && (await target.backlog()) > 0; i++) await sleep(100);
  const doneS = (performance.now() - t0) / 1000;
  const cpu = procCpu(target.pid) - cpu0;
  await target.stop();
  if (sink) await sink.stop();
  await stopProcess(vm);
  d.remove();
  return { run: name, points: accepted, send_s: Number(sentS.toFixed(2)), until_forwarded_s: Number(doneS.toFixed(2)), agent_cpu_s: Number(cpu.toFixed(2)), cpu_s_per_million: Number(((cpu / accepted) * 1e6).toFixed(2)) };
}

const rw = `exporters:\n  vm:\n    kind: prometheus_remote_write\n    endpoints: ["http://127.0.0.1:${VM_PORT}/api/v1/write"]\n`;
const RUNS = [
  ['cairn ingest only', 'cairn', 'exporters: {}\n'],
  ['cairn+remote_write', 'cairn', rw],
  ['cairn+otlp_grpc', 'cairn', (sink) => `exporters:\n  up:\n    kind: otlp_grpc\n    endpoints: ["${sink.grpc}"]\n`],
  ['vmagent (ingest + remote write)', 'vmagent'],
];
// ONLY=1,2 runs a subset (by index), e.g. to profile one.
const only = process.env.ONLY?.split(',').map(Number);
const rows = [];
for (const [i, r] of RUNS.entries()) if (only === undefined || only.includes(i)) rows.push(await run(...r));
const base = rows.find((r) => r.run === 'cairn ingest only')?.cpu_s_per_million;
for (const r of rows) if (base !== undefined && r.run.startsWith('cairn+')) r.forwarding_cpu_s_per_million = Number((r.cpu_s_per_million - base).toFixed(2));
console.log(JSON.stringify({ bench: 'forward-cost', date: new Date().toISOString(), points: POINTS, rows }));
