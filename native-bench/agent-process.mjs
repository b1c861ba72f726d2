// Runs `cairn run` as its own process for the end-to-end benchmarks: a config in a temp dir,
// the bound addresses from its log, its CPU and memory from /proc.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/cairn.js', import.meta.url));

/** A temp dir for a benchmark: `store` is where the store goes unless given. */
export function benchDir() {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-bench-'));
  return { dir, store: join(dir, 'data'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Starts the agent with `yaml` (receivers on ephemeral ports are added unless `yaml` has its own
 * `receivers:` section, and the API on an ephemeral port) and waits until it listens and is ready.
 */
export async function startAgent(dir, yaml) {
  const withApi = !/enabled: false/.test(yaml); // store.enabled: false runs without the API
  const config = join(dir, `cairn-${Date.now()}.yaml`);
  const receivers = /^receivers:/m.test(yaml) ? '' : 'receivers:\n  otlp:\n    grpc: { endpoint: "127.0.0.1:0" }\n    http: { endpoint: "127.0.0.1:0" }\n';
  writeFileSync(config, `${receivers}api:\n  endpoint: 127.0.0.1:0\n${yaml}`);
  const started = performance.now();
  // The flags the agent is started with (bin/cairn.js, the service unit, the container);
  // CAIRN_BENCH_NODE_ARGS replaces them, e.g. "--max-semi-space-size=4 --cpu-prof --cpu-prof-dir=DIR".
  const nodeArgs = (process.env.CAIRN_BENCH_NODE_ARGS ?? '--max-semi-space-size=4').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, bin, 'run', '--config', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  const log = [];
  const addresses = await new Promise((resolve, reject) => {
    const found = {};
    let buf = '';
    child.stderr.on('data', (chunk) => {
      buf += chunk;
      const lines = buf.split('\n');
      buf = lines.pop();
      for (const line of lines) {
        try {
          const rec = JSON.parse(line);
          log.push(rec);
          if (rec.msg === 'receiver listening' || rec.msg === 'api listening') found[rec.component] = rec.address;
        } catch {}
      }
      if (found.otlp_grpc && found.otlp_http && (found.api || !withApi)) resolve(found);
    });
    child.once('exit', (code) => reject(new Error(`agent exited with ${code}: ${JSON.stringify(log.slice(-3))}`)));
  });
  const api = `http://${addresses.api}`;
  while (withApi && (await fetch(`${api}/readyz`)).status !== 200) await new Promise((r) => setTimeout(r, 20));
  const readyMs = performance.now() - started;
  return {
    child,
    log,
    readyMs,
    grpc: addresses.otlp_grpc,
    http: addresses.otlp_http,
    api,
    cpuSeconds() {
      const f = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(f[11]) + Number(f[12])) / 100;
    },
    peakRssMiB() {
      return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))[1]) / 1024;
    },
    async metric(name) {
      const text = await (await fetch(`${api}/metrics`)).text();
      const m = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text);
      return m ? Number(m[1]) : undefined;
    },
    async stop() {
      child.kill('SIGTERM');
      return new Promise((r) => child.once('exit', r));
    },
  };
}

/** Bytes of every file under `path`. */
export function du(path) {
  let total = 0;
  for (const name of readdirSync(path)) {
    const p = join(path, name);
    const st = statSync(p);
    total += st.isDirectory() ? du(p) : st.size;
  }
  return total;
}
