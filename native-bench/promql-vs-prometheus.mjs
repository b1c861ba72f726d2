// PromQL latency, cairn against Prometheus 2.42 on the same data (issue 10's benchmark list):
// ~10,000 series × 24 h at 10 s (promql-dataset.mjs) loaded into a cairn agent over OTLP/HTTP
// and into Prometheus over remote write, then each query run alternately on both.
// Usage (after npm run build; needs the Debian package prometheus):
//   node native-bench/promql-vs-prometheus.mjs [--hours 24] [--runs 10]
import { startAgent, benchDir } from './agent-process.mjs';
import { JOBS, otlpTemplate, promSeries, STEP_MS } from './promql-dataset.mjs';
import { prometheusVersion, startPrometheus } from './prometheus-process.mjs';
import { encodeWriteRequest, labelBlock, snappyLiterals } from './remote-write.mjs';

const args = Object.fromEntries(process.argv.slice(2).join(' ').split('--').filter(Boolean).map((a) => { const [k, v] = a.trim().split(/\s+/); return [k, v ?? true]; }));
const hours = Number(args.hours ?? 24);
const runs = Number(args.runs ?? 10);
const version = prometheusVersion();
if (version === undefined) throw new Error('prometheus is not installed (Debian package prometheus)');

const steps = (hours * 3_600_000) / STEP_MS;
const end = Math.floor(Date.now() / STEP_MS) * STEP_MS - 60_000;
const t0 = end - (steps - 1) * STEP_MS;
const bench = benchDir();
const agent = await startAgent(bench.dir, `store:\n  path: ${JSON.stringify(bench.store)}\n  max_disk_bytes: 8GiB\nhost:\n  enabled: false\ntelemetry:\n  store: false\nquery:\n  timeout: 10m\n`);
const prom = await startPrometheus(bench.dir);
const log = (o) => console.error(JSON.stringify(o));

// Load cairn: one request per step holding one point of every series, one lane per job subset.
const LANES = 4;
let started = performance.now();
const lanes = Array.from({ length: LANES }, (_, lane) => otlpTemplate(t0, (j) => j % LANES === lane));
await Promise.all(
  lanes.map(async (tpl) => {
    for (let k = 0; k < steps; k++) {
      const res = await fetch(`http://${agent.http}/v1/metrics`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: tpl.at(k) });
      if (res.status !== 200) throw new Error(`cairn refused step ${k}: ${res.status} ${await res.text()}`);
    }
  }),
);
const cairnLoadS = (performance.now() - started) / 1000;
const points = lanes.reduce((a, t) => a + t.points, 0) * steps;
log({ loaded: 'cairn', points, seconds: cairnLoadS });

// Load Prometheus: chunks of 60 steps, all lanes in step so no sample is older than the head allows.
started = performance.now();
const series = promSeries().map((s) => ({ block: labelBlock(s.labels), value: s.value }));
const CHUNK = 60;
const PER_REQUEST = 1000;
for (let k0 = 0; k0 < steps; k0 += CHUNK) {
  const k1 = Math.min(steps, k0 + CHUNK);
  const requests = [];
  for (let at = 0; at < series.length; at += PER_REQUEST) {
    const body = snappyLiterals(encodeWriteRequest(series.slice(at, at + PER_REQUEST), k0, k1, t0, STEP_MS));
    requests.push(
      fetch(`${prom.url}/api/v1/write`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy', 'x-prometheus-remote-write-version': '0.1.0' }, body }).then(async (res) => {
        if (res.status !== 204 && res.status !== 200) throw new Error(`prometheus refused: ${res.status} ${await res.text()}`);
      }),
    );
  }
  await Promise.all(requests);
}
const promLoadS = (performance.now() - started) / 1000;
log({ loaded: 'prometheus', samples: series.length * steps, seconds: promLoadS });

const endS = end / 1000;
const QUERIES = [
  { name: 'rate(x[5m]), 1 series × 24 h, step 60 s', q: 'rate(x_total{instance="host-0-0",series="0"}[5m])', range: [endS - hours * 3600 + 300, endS, 60] },
  { name: 'sum by (job) (rate(x[5m])), 1,000 series × 1 h, step 15 s', q: 'sum by (job) (rate(x_total{series=~"[0-9]"}[5m]))', range: [endS - 3600, endS, 15] },
  { name: 'histogram_quantile(0.99, sum by (le) (rate(h_bucket[5m]))), 24 h, step 60 s', q: 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))', range: [endS - hours * 3600 + 300, endS, 60] },
  { name: 'topk(10, …) over 9,900 series, instant', q: 'topk(10, {__name__=~"x_total|node_.+"})', instant: endS },
];
const PANELS = [
  '100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m])))',
  'sum by (instance, mode) (rate(node_cpu_seconds_total{mode!="idle"}[5m]))',
  'node_memory_available_bytes / 1e9',
  'predict_linear(node_filesystem_avail_bytes[1h], 4 * 3600) < 0',
  'count(count(node_cpu_seconds_total) by (cpu, instance)) by (instance)',
  'max by (job) (node_memory_available_bytes) > bool 8.5e9',
];

async function ask(base, q, range, instant) {
  const params = new URLSearchParams({ query: q });
  if (range !== undefined) {
    params.set('start', String(range[0]));
    params.set('end', String(range[1]));
    params.set('step', String(range[2]));
  } else params.set('time', String(instant));
  const t = performance.now();
  const res = await fetch(`${base}/api/v1/${range !== undefined ? 'query_range' : 'query'}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: params });
  const body = await res.json();
  const ms = performance.now() - t;
  if (body.status !== 'success') throw new Error(`${base}: ${q}: ${body.error}`);
  return { ms, result: body.data.result };
}

/** Same answer on both sides: labels exactly, values within 1e-9 relative. */
function same(a, b) {
  const key = (s) => JSON.stringify(Object.entries(s.metric).sort());
  const norm = (r) => new Map(r.map((s) => [key(s), (s.values ?? [s.value]).map(([t, v]) => [t, Number(v)])]));
  const x = norm(a);
  const y = norm(b);
  if (x.size !== y.size) return `${x.size} vs ${y.size} series`;
  for (const [k, pts] of x) {
    const other = y.get(k);
    if (other === undefined) return `missing ${k}`;
    if (other.length !== pts.length) return `${k}: ${pts.length} vs ${other.length} points`;
    for (let i = 0; i < pts.length; i++) {
      const [ta, va] = pts[i];
      const [tb, vb] = other[i];
      if (ta !== tb || !(va === vb || (Number.isNaN(va) && Number.isNaN(vb)) || Math.abs(va - vb) <= 1e-9 * Math.max(Math.abs(va), Math.abs(vb)))) return `${k} at ${ta}: ${va} vs ${vb}`;
    }
  }
  return null;
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

const results = [];
const measure = async (name, run) => {
  const times = { cairn: [], prometheus: [] };
  let mismatch = null;
  for (let i = 0; i < runs; i++) {
    for (const [who, base] of i % 2 === 0 ? [['cairn', agent.api], ['prometheus', prom.url]] : [['prometheus', prom.url], ['cairn', agent.api]]) {
      const { ms, answers } = await run(base);
      times[who].push(ms);
      if (i === 0) (times[`${who}Answers`] = answers);
    }
  }
  for (let j = 0; j < times.cairnAnswers.length && mismatch === null; j++) mismatch = same(times.cairnAnswers[j], times.prometheusAnswers[j]);
  const row = {
    query: name,
    runs,
    cairnMedianMs: +pct(times.cairn, 50).toFixed(1),
    cairnP99Ms: +pct(times.cairn, 99).toFixed(1),
    prometheusMedianMs: +pct(times.prometheus, 50).toFixed(1),
    prometheusP99Ms: +pct(times.prometheus, 99).toFixed(1),
    mismatch,
  };
  row.ratio = +(row.cairnMedianMs / row.prometheusMedianMs).toFixed(2);
  results.push(row);
  log(row);
};

for (const x of QUERIES) {
  await measure(x.name, async (base) => {
    const r = await ask(base, x.q, x.range, x.instant);
    return { ms: r.ms, answers: [r.result] };
  });
}
await measure('Node-Exporter-Full-style panel set (6 queries, 1 h, step 15 s)', async (base) => {
  let ms = 0;
  const answers = [];
  for (const q of PANELS) {
    const r = await ask(base, q, [endS - 3600, endS, 15]);
    ms += r.ms;
    answers.push(r.result);
  }
  return { ms, answers };
});

await agent.stop();
await prom.stop();
bench.remove();
console.log(JSON.stringify({ date: new Date().toISOString(), prometheus: version, hours, series: series.length, points, cairnLoadS: +cairnLoadS.toFixed(1), promLoadS: +promLoadS.toFixed(1), results }, null, 1));
