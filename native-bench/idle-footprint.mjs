// Idle footprint of `cairn run` on its default configuration (host metrics every 10 s, self
// metrics into the store, no OTLP traffic), side by side with Debian's
// prometheus-node-exporter scraped every 10 s, both in the same run on the same machine.
//
//   npm run build && node native-bench/idle-footprint.mjs [--warmup 20] [--seconds 60]
//
// CPU is utime+stime from /proc/<pid>/stat over the measured window (percent of one core);
// RSS is VmRSS sampled every second (mean and max). The per-scraper cost is read from the
// agent's own counters (cairn_host_scrape_seconds_total / cairn_host_scrapes_total).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { benchDir, startAgent } from './agent-process.mjs';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? def : Number(process.argv[i + 1]);
};
const WARMUP_S = arg('warmup', 20);
const SECONDS = arg('seconds', 60);
const NODE_EXPORTER = '/usr/bin/prometheus-node-exporter';
const NODE_EXPORTER_ADDR = '127.0.0.1:19100';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const cpuTicks = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(f[11]) + Number(f[12]);
};
const rssMiB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

async function startNodeExporter() {
  if (!existsSync(NODE_EXPORTER)) return undefined;
  const child = spawn(NODE_EXPORTER, [`--web.listen-address=${NODE_EXPORTER_ADDR}`], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`http://${NODE_EXPORTER_ADDR}/metrics`)).ok) break;
    } catch {}
    await sleep(50);
  }
  // Scraped every 10 s, as a Prometheus server would.
  const timer = setInterval(() => fetch(`http://${NODE_EXPORTER_ADDR}/metrics`).then((r) => r.text()).catch(() => {}), 10_000);
  return { pid: child.pid, stop: () => (clearInterval(timer), child.kill('SIGTERM')) };
}

const dir = benchDir();
const agent = await startAgent(dir.dir, `store:\n  path: ${JSON.stringify(dir.store)}\n`);
const exporter = await startNodeExporter();
const procs = [['cairn', agent.child.pid], ...(exporter ? [['node_exporter', exporter.pid]] : [])];
console.log(`warming up ${WARMUP_S} s, then measuring ${SECONDS} s${exporter ? '' : ' (prometheus-node-exporter not installed: cairn only)'}`);
await sleep(WARMUP_S * 1000);

const start = Object.fromEntries(procs.map(([name, pid]) => [name, cpuTicks(pid)]));
const rss = Object.fromEntries(procs.map(([name]) => [name, []]));
const t0 = performance.now();
for (let s = 0; s < SECONDS; s++) {
  for (const [name, pid] of procs) rss[name].push(rssMiB(pid));
  await sleep(1000);
}
const elapsed = (performance.now() - t0) / 1000;
const rows = procs.map(([name, pid]) => {
  const cpu = ((cpuTicks(pid) - start[name]) / 100 / elapsed) * 100;
  const r = rss[name];
  return { process: name, 'cpu % of one core': cpu.toFixed(3), 'rss MiB mean': (r.reduce((a, b) => a + b, 0) / r.length).toFixed(1), 'rss MiB max': Math.max(...r).toFixed(1) };
});
console.table(rows);

const text = await (await fetch(`${agent.api}/metrics`)).text();
const perScraper = {};
for (const m of text.matchAll(/^cairn_host_scrape(s|_seconds)_total\{scraper="([a-z]+)"\} (\S+)$/gm)) {
  (perScraper[m[2]] ??= {})[m[1] === 's' ? 'scrapes' : 'seconds'] = Number(m[3]);
}
console.table(Object.entries(perScraper).map(([scraper, v]) => ({ scraper, scrapes: v.scrapes, 'ms per scrape (wall)': ((v.seconds / v.scrapes) * 1000).toFixed(3) })));

exporter?.stop();
await agent.stop();
dir.remove();
