// End-to-end ingest: starts the agent as its own process, drives it with load.mjs in another
// process, and reports accepted points/s with the agent's CPU seconds per million points and
// peak RSS, read from /proc. Usage (after npm run build):
//   node native-bench/ingest-e2e.mjs [--transport grpc|http|http-json] [--duration 20] [--concurrency 8]
//                                     [--series 10000] [--points 1000] [--threads 0] [--no-store]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const args = Object.fromEntries(process.argv.slice(2).join(' ').split('--').filter(Boolean).map((a) => { const [k, v] = a.trim().split(/\s+/); return [k, v ?? true]; }));
const transport = args.transport ?? 'grpc';
const dir = mkdtempSync(join(tmpdir(), 'cairn-bench-'));
const config = join(dir, 'cairn.yaml');
// --no-store measures the receivers alone (store.enabled: false, a non-durable memory buffer).
const storeYaml = args['no-store'] ? 'store:\n  enabled: false\n' : `store:\n  path: ${JSON.stringify(join(dir, 'data'))}\n`;
writeFileSync(config, `receivers:\n  otlp:\n    grpc: { endpoint: "127.0.0.1:0" }\n    http: { endpoint: "127.0.0.1:0" }\napi:\n  endpoint: 127.0.0.1:0\n${storeYaml}workers:\n  threads: ${args.threads ?? 0}\nlog:\n  level: info\n`);

const agent = spawn(process.execPath, [join(here, '..', 'bin', 'cairn.js'), 'run', '--config', config], { stdio: ['ignore', 'ignore', 'pipe'] });
const addresses = await new Promise((resolve, reject) => {
  const found = {};
  let buf = '';
  agent.stderr.on('data', (chunk) => {
    buf += chunk;
    for (const line of buf.split('\n').slice(0, -1)) {
      try {
        const rec = JSON.parse(line);
        if (rec.msg === 'receiver listening') found[rec.component] = rec.address;
      } catch {}
    }
    buf = buf.slice(buf.lastIndexOf('\n') + 1);
    if (found.otlp_grpc && found.otlp_http) resolve(found);
  });
  agent.once('exit', (code) => reject(new Error(`agent exited with ${code}`)));
});
const cpu = () => {
  const f = readFileSync(`/proc/${agent.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100; // utime + stime in clock ticks (100 Hz)
};
await new Promise((r) => setTimeout(r, 1000));
const cpu0 = cpu();
const target = transport === 'grpc' ? addresses.otlp_grpc : addresses.otlp_http;
const loadArgs = [join(here, 'load.mjs'), '--transport', transport, '--target', target];
for (const k of ['duration', 'concurrency', 'series', 'points']) if (args[k] !== undefined) loadArgs.push(`--${k}`, String(args[k]));
if (args.gzip) loadArgs.push('--gzip');
const load = spawn(process.execPath, loadArgs, { stdio: ['ignore', 'pipe', 'inherit'] });
let out = '';
load.stdout.on('data', (c) => (out += c));
await new Promise((r) => load.once('exit', r));
const cpu1 = cpu();
const status = readFileSync(`/proc/${agent.pid}/status`, 'utf8');
const peakRssMiB = Number(/VmHWM:\s+(\d+)/.exec(status)[1]) / 1024;
agent.kill('SIGTERM');
await new Promise((r) => agent.once('exit', r));
rmSync(dir, { recursive: true, force: true });
const result = JSON.parse(out.trim().split('\n').pop());
const cpuSeconds = cpu1 - cpu0;
console.log(JSON.stringify({ ...result, agentCpuSeconds: +cpuSeconds.toFixed(2), agentCpuSecondsPerMillionPoints: +((cpuSeconds / result.acceptedPoints) * 1e6).toFixed(3), agentPeakRssMiB: +peakRssMiB.toFixed(1) }));
