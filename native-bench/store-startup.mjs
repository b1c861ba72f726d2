// Start-up of the agent on a full store (issue: one columnar page index; targets ready ≤ 2 s,
// RSS ≤ 150 MiB with a full 1 GiB store). Usage (after npm run build):
//   node native-bench/store-startup.mjs --store DIR [--build] [--budget 1GiB] [--step 10s] [--series 10000] [--runs 5] [--warm] [--without-wal]
// --build fills DIR to its budget through the agent (store-fill.mjs) unless it is full already;
// then the agent is started --runs times on it: time from spawn to /readyz answering 200, VmRSS
// once ready (and 2 s later), VmHWM, and the store's own open/replay times from its log. Each
// run first evicts the store's files from the page cache (posix_fadvise DONTNEED via dd) unless
// --warm, so the figures include reading the journals from disk. --without-wal sets the WAL
// and the head checkpoint aside during the runs (put back after): start-up with nothing to
// replay or restore, i.e. what the ring, the page index and the series index cost on their own.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { du, startAgent } from './agent-process.mjs';
import { createFill, fillToBudget } from './store-fill.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? dflt : process.argv[i + 1];
};
const flag = (name) => process.argv.includes(`--${name}`);
const store = arg('store');
if (store === undefined) throw new Error('--store DIR is required');
const budget = arg('budget', '1GiB');
const stepMs = Number(/^(\d+)s$/.exec(arg('step', '10s'))[1]) * 1000;
const series = Number(arg('series', '10000'));
const runs = Number(arg('runs', '5'));
const yaml = `host:\n  enabled: false\nstore:\n  path: ${JSON.stringify(store)}\n  max_disk_bytes: ${budget}\n`;
const dir = join(store, '..');

const files = (path) => readdirSync(path).flatMap((n) => (statSync(join(path, n)).isDirectory() ? files(join(path, n)) : [join(path, n)]));
const rssMiB = (pid, field) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

if (flag('build') && !existsSync(join(store, 'tier0'))) {
  const agent = await startAgent(dir, yaml);
  const fill = createFill({ series, stepMs });
  const sent = await fillToBudget(agent, store, fill, { log: (l) => console.error(JSON.stringify(l)) });
  await agent.stop();
  console.log(JSON.stringify({ bench: 'store-fill', series, stepMs, ...sent, pointsPerSecond: Math.round(sent.points / sent.seconds), storeMiB: +(du(store) / 2 ** 20).toFixed(1) }));
}

const aside = flag('without-wal') ? [join(store, 'wal'), join(store, 'head')].filter((d) => existsSync(d)) : [];
for (const d of aside) renameSync(d, `${d}.aside`);
const results = [];
for (let run = 0; run < runs; run++) {
  if (!flag('warm')) for (const f of files(store)) execFileSync('dd', [`if=${f}`, 'iflag=nocache', 'count=0', 'status=none']);
  const agent = await startAgent(dir, yaml);
  const pid = agent.child.pid;
  const readyRss = rssMiB(pid, 'VmRSS');
  await new Promise((r) => setTimeout(r, 2000));
  const settledRss = rssMiB(pid, 'VmRSS');
  const heapMiB = (await agent.metric('cairn_process_heap_used_bytes')) / 2 ** 20;
  const peak = rssMiB(pid, 'VmHWM');
  const ring = agent.log.find((l) => l.msg === 'store ring: opened');
  const opened = agent.log.find((l) => l.msg === 'store opened');
  results.push({ readyMs: Math.round(agent.readyMs), ringOpenMs: ring?.durationMs, replayMs: opened?.replayMs, readyRssMiB: +readyRss.toFixed(1), rss2sMiB: +settledRss.toFixed(1), peakRssMiB: +peak.toFixed(1), heapMiB: +heapMiB.toFixed(1), pages: ring?.pages, datafiles: ring?.datafiles, series: opened?.series, walRecords: opened?.records });
  await agent.stop();
}
for (const d of aside) {
  rmSync(d, { recursive: true, force: true });
  renameSync(`${d}.aside`, d);
}
const pick = (k) => results.map((r) => r[k]);
console.log(JSON.stringify({ bench: 'store-startup', store: { MiB: +(du(store) / 2 ** 20).toFixed(1), tier0MiB: +(du(join(store, 'tier0')) / 2 ** 20).toFixed(1), walMiB: +(du(join(store, 'wal')) / 2 ** 20).toFixed(1), indexMiB: +(du(join(store, 'index')) / 2 ** 20).toFixed(2) }, cache: flag('warm') ? 'warm' : 'evicted', wal: flag('without-wal') ? 'WAL and checkpoint set aside' : 'replayed', runs: results, median: { readyMs: median(pick('readyMs')), ringOpenMs: median(pick('ringOpenMs')), replayMs: median(pick('replayMs')), readyRssMiB: median(pick('readyRssMiB')), rss2sMiB: median(pick('rss2sMiB')), peakRssMiB: median(pick('peakRssMiB')), heapMiB: median(pick('heapMiB')) }, at: new Date().toISOString() }));
