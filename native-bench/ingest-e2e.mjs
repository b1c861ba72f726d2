// End-to-end ingest: starts the agent as its own process, drives it with load.mjs in another
// process, and reports accepted points/s with the agent's CPU seconds per million points and
// peak RSS, read from /proc. Usage (after npm run build):
//   node native-bench/ingest-e2e.mjs [--transport grpc|http|http-json] [--duration 20] [--concurrency 8]
//                                     [--series 10000] [--points 1000] [--threads 0] [--no-store]
//                                     [--warmup 0]   (seconds of the same load before measuring: series created, code warm)
//                                     [--extra FILE] (YAML appended to the agent's config, e.g. processors;
//                                                     with a receivers: section of its own, e.g. TLS and tokens)
//                                     [--ca FILE] [--token T] (passed to load.mjs: TLS and bearer token)
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchDir, startAgent } from './agent-process.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const args = Object.fromEntries(process.argv.slice(2).join(' ').split('--').filter(Boolean).map((a) => { const [k, v] = a.trim().split(/\s+/); return [k, v ?? true]; }));
const transport = args.transport ?? 'grpc';
const bench = benchDir();
// --no-store measures the receivers alone (store.enabled: false, a non-durable memory buffer).
const storeYaml = args['no-store'] ? 'store:\n  enabled: false\n' : `store:\n  path: ${JSON.stringify(bench.store)}\n`;
const extraYaml = args.extra ? readFileSync(args.extra, 'utf8') : '';
const agent = await startAgent(bench.dir, `${storeYaml}workers:\n  threads: ${args.threads ?? 0}\n${extraYaml}`);
await new Promise((r) => setTimeout(r, 1000));
const target = transport === 'grpc' ? agent.grpc : agent.http;
/** Runs the load generator for `seconds`; resolves with its last output line. */
async function runLoad(seconds) {
  const loadArgs = [join(here, 'load.mjs'), '--transport', transport, '--target', target, '--duration', String(seconds)];
  for (const k of ['concurrency', 'series', 'points', 'ca', 'token']) if (args[k] !== undefined) loadArgs.push(`--${k}`, String(args[k]));
  if (args.gzip) loadArgs.push('--gzip');
  const load = spawn(process.execPath, loadArgs, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  load.stdout.on('data', (c) => (out += c));
  await new Promise((r) => load.once('exit', r));
  return out.trim().split('\n').pop();
}
if (Number(args.warmup ?? 0) > 0) {
  await runLoad(Number(args.warmup));
  // Let the warm-up's pages and definitions settle before the measured window.
  await new Promise((r) => setTimeout(r, 2000));
}
const cpu0 = agent.cpuSeconds();
const out = await runLoad(Number(args.duration ?? 20));
const cpu1 = agent.cpuSeconds();
const peakRssMiB = agent.peakRssMiB();
await agent.stop();
bench.remove();
const result = JSON.parse(out);
const cpuSeconds = cpu1 - cpu0;
console.log(JSON.stringify({ ...result, agentCpuSeconds: +cpuSeconds.toFixed(2), agentCpuSecondsPerMillionPoints: +((cpuSeconds / result.acceptedPoints) * 1e6).toFixed(3), agentPeakRssMiB: +peakRssMiB.toFixed(1) }));
