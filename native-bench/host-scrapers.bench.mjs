// Cost of one scrape of each host scraper (reading /proc and /sys directly), against the
// systeminformation call that would give the same figures, in one process, one at a time.
//
//   npm run build && node native-bench/host-scrapers.bench.mjs [--time 2000]
//
// Wall-clock ms per call and CPU ms per call; cairn's scrapers spawn nothing, so their CPU is
// the process's own; systeminformation's is counted with its child processes (10 ms ticks).
import { Bench } from 'tinybench';
import { readFileSync } from 'node:fs';
import si from 'systeminformation';
import { defaultConfig } from '../dist/config/index.js';
import { createScrapers } from '../dist/host/create-scrapers.js';

const i = process.argv.indexOf('--time');
const time = i === -1 ? 2000 : Number(process.argv[i + 1]);
const SI_CALLS = 8;
const sink = {
  n: 0,
  counter() { this.n++; },
  upDown() { this.n++; },
  gauge() { this.n++; },
  withResource() { return this; },
};
const config = { ...defaultConfig.host, process: { enabled: true, top: 10 } };
const scrapers = await createScrapers(config);
const siCalls = {
  cpu: () => si.currentLoad(),
  memory: () => si.mem(),
  disk: () => si.disksIO(),
  filesystem: () => si.fsSize(),
  network: () => si.networkStats('*'),
  processes: () => si.processes(),
  process: () => si.processes(),
};

const bench = new Bench({ time, warmupTime: 200 });
const cpuMs = new Map();
const track = (name, fn) => async () => {
  const before = process.cpuUsage();
  await fn();
  const d = process.cpuUsage(before);
  const prev = cpuMs.get(name) ?? { ms: 0, n: 0 };
  cpuMs.set(name, { ms: prev.ms + (d.user + d.system) / 1000, n: prev.n + 1 });
};
for (const s of scrapers) bench.add(`cairn ${s.name}`, track(`cairn ${s.name}`, () => s.scrape(sink)));
await bench.run();
const rows = bench.tasks.map((t) => {
  const c = cpuMs.get(t.name);
  return { task: t.name, 'wall ms p50': t.result.latency.p50.toFixed(3), 'wall ms mean': t.result.latency.mean.toFixed(3), 'CPU ms per call (own + children)': (c.ms / c.n).toFixed(3), calls: c.n };
});

// systeminformation answers from a cache when called again within about a second, so its
// calls are spaced 1.2 s apart (after one warm-up call each) and counted with the CPU of the
// processes they spawn (cutime + cstime of /proc/self/stat).
const selfTicks = () => {
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
};
for (const [name, call] of Object.entries(siCalls)) {
  if (name === 'process') continue;
  await call();
  const walls = [];
  let ticks = 0;
  for (let k = 0; k < SI_CALLS; k++) {
    await new Promise((r) => setTimeout(r, 1200));
    const t0 = selfTicks();
    const w0 = performance.now();
    await call();
    walls.push(performance.now() - w0);
    ticks += selfTicks() - t0;
  }
  walls.sort((a, b) => a - b);
  rows.push({ task: `systeminformation ${name}`, 'wall ms p50': walls[walls.length >> 1].toFixed(3), 'wall ms mean': (walls.reduce((a, b) => a + b, 0) / walls.length).toFixed(3), 'CPU ms per call (own + children)': ((ticks * 10) / SI_CALLS).toFixed(1), calls: SI_CALLS });
}
console.table(rows);
