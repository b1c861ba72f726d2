// The queries issue 10 found stalling the agent, tried as an attacker would, now: each runs
// against an agent holding promql-dataset.mjs (--hours of data) while /healthz is pinged every
// 5 ms; the slowest ping is how long the event loop was held. Reports the query's outcome too.
// Usage (after npm run build): node native-bench/query-attacks.mjs [--hours 1]
import { benchDir, startAgent } from './agent-process.mjs';
import { otlpTemplate, STEP_MS } from './promql-dataset.mjs';

const args = Object.fromEntries(process.argv.slice(2).join(' ').split('--').filter(Boolean).map((a) => { const [k, v] = a.trim().split(/\s+/); return [k, v ?? true]; }));
const hours = Number(args.hours ?? 1);
const steps = (hours * 3_600_000) / STEP_MS;
const end = Math.floor(Date.now() / STEP_MS) * STEP_MS - 60_000;
const t0 = end - (steps - 1) * STEP_MS;
const bench = benchDir();
const agent = await startAgent(bench.dir, `store:\n  path: ${JSON.stringify(bench.store)}\nhost:\n  enabled: false\ntelemetry:\n  store: false\n`);
const tpl = otlpTemplate(t0);
for (let k = 0; k < steps; k++) {
  const res = await fetch(`http://${agent.http}/v1/metrics`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: tpl.at(k) });
  if (res.status !== 200) throw new Error(`refused: ${res.status}`);
}

const endS = end / 1000;
const ATTACKS = [
  { name: 'query_range, 11,000 steps, every series', path: 'query_range', params: { query: '{__name__=~".+"}', start: String(endS - 10_999), end: String(endS), step: '1' } },
  { name: 'sum(rate(...)) over every series, 11,000 steps', path: 'query_range', params: { query: 'sum(rate({__name__=~".+"}[5m]))', start: String(endS - 10_999), end: String(endS), step: '1' } },
  { name: 'a selector with 20,000 matchers', path: 'query', params: { query: `x_total{${Array.from({ length: 20_000 }, (_, i) => `l${i}!="v${i}"`).join(',')}}`, time: String(endS) } },
  { name: 'a backtracking regex', path: 'query', params: { query: `x_total{series=~"(a+)+b|(.*)*x(.*)*y"}`, time: String(endS) } },
];

const results = [];
for (const a of ATTACKS) {
  let pinging = true;
  let worst = 0;
  const pings = (async () => {
    while (pinging) {
      const t = performance.now();
      await fetch(`${agent.api}/healthz`);
      worst = Math.max(worst, performance.now() - t);
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  const t = performance.now();
  const res = await fetch(`${agent.api}/api/v1/${a.path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(a.params) });
  // A huge answer is counted, not parsed (the client could not hold it as one string).
  const bytes = Buffer.from(await res.arrayBuffer());
  const body = bytes.length < 100e6 ? JSON.parse(bytes.toString('utf8')) : { status: 'success', data: { result: { length: `${(bytes.length / 1e6).toFixed(0)} MB of` } } };
  const ms = performance.now() - t;
  pinging = false;
  await pings;
  const row = { attack: a.name, status: res.status, outcome: body.status === 'success' ? `${body.data.result.length} series` : `${body.errorType}: ${body.error.slice(0, 90)}`, queryMs: Math.round(ms), worstHealthzMs: Math.round(worst) };
  console.error(JSON.stringify(row));
  results.push(row);
}
await agent.stop();
bench.remove();
console.log(JSON.stringify({ date: new Date().toISOString(), hours, series: tpl.points, results }, null, 1));
