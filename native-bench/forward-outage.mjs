// Outage benchmark, cairn beside vmagent on the same workload in the same run: RATE points/s
// (10,000 series, one point each per second, 10 s apart in simulated time) for LOAD_S seconds
// into the agent, which forwards by remote write 1.0 to a VictoriaMetrics 1.79 (dedup 1 ms, so
// a point delivered twice counts once); the upstream is stopped (SIGTERM) at OUTAGE_AT s for
// OUTAGE_S s, then restarted on the same data. One JSON line per agent:
//   lost = points the agent acknowledged - distinct points stored upstream,
//   catch_up_s = upstream restart until the agent's backlog is back to its pre-outage level
//     (vmagent: pending bytes <= max(pre-outage max, 64 KiB), as the anchors measure it;
//     cairn: pending points <= max(pre-outage max, 3,800 points ~ 64 KiB of vmagent's queue)),
//   peak disk of the agent's data directory, peak RSS (VmHWM), agent CPU seconds.
// Usage: npm run build && node native-bench/forward-outage.mjs [cairn|vmagent ...]
// Needs /usr/bin/victoria-metrics and /usr/bin/vmagent (Debian package victoria-metrics).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { benchDir } from './agent-process.mjs';
import { dirBytes, procCpu, procHwmMiB, sleep, startTarget, startVm, stopProcess, VM_PORT } from './forward-targets.mjs';
import { stepRequests } from './forward-workload.mjs';

const env = (k, d) => Number(process.env[k] ?? d);
const SERIES = env('SERIES', 10_000);
const RATE = env('RATE', 10_000);
const LOAD_S = env('LOAD_S', 150);
const OUTAGE_AT = env('OUTAGE_AT', 30);
const OUTAGE_S = env('OUTAGE_S', 60);
const PER_REQUEST = 1000;
const STEP_MS = 10_000;
const log = (...a) => process.stderr.write(`[forward-outage] ${a.join(' ')}\n`);

async function run(kind) {
  const d = benchDir();
  const dirs = { root: d.dir, data: join(d.dir, 'data'), vm: join(d.dir, 'vm') };
  mkdirSync(dirs.vm, { recursive: true });
  let vm = await startVm(dirs.vm);
  const target = await startTarget(kind, dirs);
  const steps = Math.ceil((RATE * LOAD_S) / SERIES);
  const startMs = Math.floor((Date.now() - steps * STEP_MS) / STEP_MS) * STEP_MS;
  const timeline = [];
  const t0 = performance.now();
  const now = () => (performance.now() - t0) / 1000;
  let up = true;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      timeline.push({ t: now(), backlog: await target.backlog().catch(() => NaN), disk: dirBytes(dirs.data), up });
      await sleep(250);
    }
  })();
  let accepted = 0;
  let failed = 0;
  const outage = (async () => {
    await sleep(OUTAGE_AT * 1000);
    log(kind, 'stopping upstream');
    up = false;
    timeline.push({ t: now(), event: 'down' });
    await stopProcess(vm);
    await sleep(OUTAGE_S * 1000);
    vm = await startVm(dirs.vm);
    up = true;
    timeline.push({ t: now(), event: 'up' });
    log(kind, 'upstream restarted');
  })();
  const perStep = SERIES / (RATE / 1000);
  for (let step = 0; step < steps; step++) {
    const due = t0 + step * perStep;
    while (performance.now() < due) await sleep(Math.min(50, due - performance.now()));
    const bodies = stepRequests({ series: SERIES, perRequest: PER_REQUEST, step, timeMs: startMs + step * STEP_MS, format: target.format });
    for (let i = 0; i < bodies.length; i += 2) {
      const ok = await Promise.all(bodies.slice(i, i + 2).map((b) => target.send(b)));
      for (const o of ok) if (o) accepted += PER_REQUEST;
      else failed += PER_REQUEST;
    }
  }
  await outage;
  log(kind, 'load done; waiting for the backlog to drain');
  for (let i = 0; i < 1200 && (await target.backlog()) > 0; i++) await sleep(250);
  await sleep(1500);
  sampling = false;
  await sampler;
  await fetch(`http://127.0.0.1:${VM_PORT}/internal/force_flush`);
  await sleep(1000);
  const q = encodeURIComponent('sum(count_over_time({__name__=~"fwd_bench_.*"}[100d]))');
  const stored = Number((await (await fetch(`http://127.0.0.1:${VM_PORT}/api/v1/query?query=${q}`)).json()).data.result[0]?.value[1] ?? 0);
  const cpu = procCpu(target.pid);
  const rss = procHwmMiB(target.pid);
  const status = target.status ? await target.status() : undefined;
  const down = timeline.find((e) => e.event === 'down').t;
  const upAt = timeline.find((e) => e.event === 'up').t;
  const before = Math.max(0, ...timeline.filter((e) => e.backlog !== undefined && e.t < down).map((e) => e.backlog));
  const threshold = Math.max(before, target.floor);
  const caught = timeline.find((e) => e.backlog !== undefined && e.t >= upAt && e.backlog <= threshold);
  await target.stop();
  await stopProcess(vm);
  d.remove();
  return {
    agent: kind,
    date: new Date().toISOString(),
    series: SERIES,
    rate: RATE,
    load_s: LOAD_S,
    outage_at_s: OUTAGE_AT,
    outage_s: OUTAGE_S,
    accepted,
    send_failures: failed,
    stored_distinct: stored,
    lost: accepted - stored,
    catch_up_s: caught === undefined ? null : Number((caught.t - upAt).toFixed(2)),
    peak_backlog: Math.max(...timeline.filter((e) => e.backlog !== undefined).map((e) => e.backlog)),
    backlog_unit: kind === 'vmagent' ? 'bytes' : 'points',
    peak_disk_bytes: Math.max(...timeline.filter((e) => e.disk !== undefined).map((e) => e.disk)),
    peak_rss_mib: Number(rss.toFixed(1)),
    agent_cpu_s: Number(cpu.toFixed(2)),
    ...(status ? { replayed: status.replayedPoints, dropped: status.droppedPoints, sent: status.sentPoints } : {}),
  };
}

const kinds = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['vmagent', 'cairn'];
for (const k of kinds) console.log(JSON.stringify(await run(k)));
