// A seeded corpus of pathological but small request bodies, the kind that made decoding
// allocate far past the in-flight budget: OTLP/JSON with millions of nulls or empty objects,
// 100,000-deep nesting, 10,000 attributes, huge strings; protobuf with a million points,
// 100,000 new series, deep attribute values; gzip members stacked up to the size limit and
// beyond. Used by test/e2e/hostile-memory.test.ts, and run as a script (at the end) it measures
// the agent's RSS under the corpus.
import { gzipSync } from 'node:zlib';

const MiB = 1024 * 1024;

import { prng } from './prng.mjs';

// ---- a protobuf writer just big enough for OTLP requests ----

function varint(n) {
  const out = [];
  let v = BigInt(n);
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return Buffer.from(out);
}
const tag = (field, wire) => varint(field * 8 + wire);
const len = (field, bytes) => Buffer.concat([tag(field, 2), varint(bytes.length), bytes]);
const str = (field, s) => len(field, Buffer.from(s, 'utf8'));
const fixed64 = (field, big) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(big));
  return Buffer.concat([tag(field, 1), b]);
};
const double = (field, v) => {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(v);
  return Buffer.concat([tag(field, 1), b]);
};
const keyValue = (k, v) => Buffer.concat([str(1, k), len(2, str(1, v))]);
const nowNs = () => BigInt(Date.now()) * 1_000_000n;

/** ExportMetricsServiceRequest with one resource, one scope and these metrics (encoded). */
function request(metrics, resourceAttrs = [['service.name', 'hostile']]) {
  const resource = Buffer.concat(resourceAttrs.map(([k, v]) => len(1, keyValue(k, v))));
  const scope = Buffer.concat([len(1, Buffer.concat([str(1, 'hostile-scope')])), ...metrics.map((m) => len(2, m))]);
  return len(1, Buffer.concat([len(1, resource), len(2, scope)]));
}
const gaugeMetric = (name, points) => Buffer.concat([str(1, name), len(5, Buffer.concat(points.map((p) => len(1, p))))]);
const gaugePoint = (t, v, attrs = []) => Buffer.concat([...attrs.map(([k, val]) => len(7, keyValue(k, val))), fixed64(3, t), double(4, v)]);

// ---- the inputs ----

const json = (name, text) => ({ name, contentType: 'application/json', body: Buffer.from(text) });
const proto = (name, body) => ({ name, contentType: 'application/x-protobuf', body });
const gz = (input) => ({ ...input, name: `gzip ${input.name}`, body: gzipSync(input.body), encoding: 'gzip' });

/** The kinds of hostile input, each a function of a PRNG and a size scale (1 = full size). */
export const KINDS = {
  'json nulls': (r, s) => json('json nulls', `{"resourceMetrics":[${'null,'.repeat(Math.floor((1 + r()) * 0.6 * MiB * s))}null]}`),
  'json empty objects': (r, s) => json('json empty objects', `{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"m","gauge":{"dataPoints":[${'{},'.repeat(Math.floor((1 + r()) * 0.8 * MiB * s))}{}]}}]}]}]}`),
  'json deep arrays': (r, s) => {
    const d = Math.floor((50_000 + r() * 50_000) * s);
    return json('json deep arrays', `{"resourceMetrics":${'['.repeat(d)}${']'.repeat(d)}}`);
  },
  'json deep objects': (r, s) => {
    const d = Math.floor((50_000 + r() * 50_000) * s);
    return json('json deep objects', `{"resourceMetrics":[{"resource":${'{"a":'.repeat(d)}1${'}'.repeat(d)}}]}`);
  },
  'json 10k attributes': (r, s) => {
    const n = Math.floor(10_000 * s);
    const attrs = Array.from({ length: n }, (_, i) => `{"key":"k${i}","value":{"stringValue":"v${Math.floor(r() * 1e9)}"}}`).join(',');
    return json('json 10k attributes', `{"resourceMetrics":[{"resource":{"attributes":[${attrs}]},"scopeMetrics":[{"metrics":[{"name":"m","gauge":{"dataPoints":[{"timeUnixNano":"${nowNs()}","asDouble":1,"attributes":[${attrs}]}]}}]}]}]}`);
  },
  'json bucket counts': (r, s) => json('json bucket counts', `{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"h","histogram":{"aggregationTemporality":2,"dataPoints":[{"timeUnixNano":"${nowNs()}","bucketCounts":[${'0,'.repeat(Math.floor((1 + r()) * 1.5 * MiB * s))}0]}]}}]}]}]}`),
  'json long string': (r, s) => json('json long string', `{"resourceMetrics":[{"resource":{"attributes":[{"key":"k","value":{"stringValue":"${'x'.repeat(Math.floor((2 + r() * 3) * MiB * s))}"}}]}}]}`),
  'json floats': (r, s) => json('json floats', `{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"h","histogram":{"aggregationTemporality":2,"dataPoints":[{"timeUnixNano":"${nowNs()}","explicitBounds":[${Array.from({ length: Math.floor(300_000 * s) }, (_, i) => `${i}.5`).join(',')}]}]}}]}]}]}`),
  'json many new series': (r, s) => {
    const base = Math.floor(r() * 1e9);
    const t = nowNs();
    const points = Array.from({ length: Math.floor(20_000 * s) }, (_, i) => `{"timeUnixNano":"${t}","asDouble":${i},"attributes":[{"key":"id","value":{"stringValue":"s${base + i}"}}]}`).join(',');
    return json('json many new series', `{"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"hostile"}}]},"scopeMetrics":[{"metrics":[{"name":"churn","gauge":{"dataPoints":[${points}]}}]}]}]}`);
  },
  'json garbage': (r, s) => json('json garbage', `{"resourceMetrics":[${'{"a":[1,{"b":"'.repeat(Math.floor(200_000 * s))}`),
  'proto million points': (r, s) => {
    // The same point over and over: decoding cost is per point whatever it holds.
    const n = Math.floor((0.3 + r() * 0.5) * MiB * s);
    return proto('proto million points', request([gaugeMetric('flood', new Array(n).fill(gaugePoint(nowNs(), 1)))]));
  },
  'proto many new series': (r, s) => {
    const t = nowNs();
    const base = Math.floor(r() * 1e9);
    return proto('proto many new series', request([gaugeMetric('churn', Array.from({ length: Math.floor(50_000 * s) }, (_, i) => gaugePoint(t, i, [['id', `p${base + i}`]])))]));
  },
  'proto deep values': (r, s) => {
    let v = str(1, 'leaf');
    for (let i = 0; i < Math.floor(2000 * s); i++) v = len(6, len(1, Buffer.concat([str(1, 'k'), len(2, v)])));
    return proto('proto deep values', request([gaugeMetric('deep', [Buffer.concat([len(7, Buffer.concat([str(1, 'a'), len(2, v)])), fixed64(3, nowNs()), double(4, 1)])])]));
  },
  'proto 10k attributes': (r, s) => {
    const attrs = Array.from({ length: Math.floor(10_000 * s) }, (_, i) => [`k${i}`, `v${i}`]);
    return proto('proto 10k attributes', request([gaugeMetric('wide', [gaugePoint(nowNs(), 1, attrs)])], attrs));
  },
  'proto garbage': (r, s) => {
    const b = Buffer.alloc(Math.floor((1 + r() * 3) * MiB * s));
    for (let i = 0; i < b.length; i++) b[i] = Math.floor(r() * 256);
    return proto('proto garbage', b);
  },
  'gzip stacked members': (r, s) => {
    // Members of 1 MiB of spaces each, stacked up to (or past) the 16 MiB limit once inflated.
    const member = gzipSync(Buffer.alloc(MiB, 0x20));
    const n = Math.floor((12 + r() * 8) * s);
    const body = Buffer.concat([...Array.from({ length: n }, () => member), gzipSync(Buffer.from('{}'))]);
    return { name: 'gzip stacked members', contentType: 'application/json', encoding: 'gzip', body };
  },
  'gzip empty objects': (r, s) => gz(KINDS['json empty objects'](r, s)),
  'gzip million points': (r, s) => gz(KINDS['proto million points'](r, s)),
};

/**
 * `count` inputs cycling through every kind, seeded; `scale` shrinks them (1 = full size).
 * Each kind is built in `variants` versions (building a million-point body takes a while) and
 * they are sent round and round.
 */
export function* hostileCorpus(count, { seed = 1, scale = 1, variants = 2 } = {}) {
  const r = prng(seed);
  const kinds = Object.values(KINDS);
  const built = [];
  for (let i = 0; i < count; i++) {
    const k = i % kinds.length;
    const v = Math.floor(i / kinds.length) % variants;
    const at = v * kinds.length + k;
    built[at] ??= kinds[k](r, scale);
    yield built[at];
  }
}

// ---- run as a script: the corpus against the agent, peak RSS against the documented bound ----
//
//   node native-bench/hostile-corpus.mjs [count] [senders] [budgetMiB]
//
// Starts `cairn run` (store on, max_inflight_bytes = budgetMiB, default 64), sends `count`
// inputs (default 400) from `senders` concurrent clients (default 8) over OTLP/HTTP, then
// prints the agent's idle and peak RSS (VmHWM) and the bound of docs/ingest.md "Memory bound".
// limits.max_series is 20,000, so the store's share of the bound stays small.

async function main() {
  const [count = 400, senders = 8, budgetMiB = 64] = process.argv.slice(2).map(Number);
  const { benchDir, startAgent } = await import('./agent-process.mjs');
  const dir = benchDir();
  const agent = await startAgent(dir.dir, `store:\n  path: ${dir.store}\nlimits:\n  max_inflight_bytes: ${budgetMiB}MiB\n  retry_after: 50ms\n  max_series: 20000\nhost:\n  enabled: false\n`);
  try {
    await new Promise((r) => setTimeout(r, 2000));
    const idle = agent.peakRssMiB();
    const url = `http://${agent.http}/v1/metrics`;
    const statuses = {};
    const inputs = hostileCorpus(count, { seed: 7 });
    const started = performance.now();
    await Promise.all(
      Array.from({ length: senders }, async () => {
        for (let next = inputs.next(); !next.done; next = inputs.next()) {
          const { contentType, encoding, body } = next.value;
          const headers = { 'content-type': contentType, ...(encoding ? { 'content-encoding': encoding } : {}) };
          const status = await fetch(url, { method: 'POST', headers, body }).then(
            async (res) => (await res.arrayBuffer(), res.status),
            (err) => err.cause?.code ?? err.message,
          );
          statuses[status] = (statuses[status] ?? 0) + 1;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const healthy = (await fetch(`${agent.api}/healthz`)).status;
    const peak = agent.peakRssMiB();
    const bound = 128 + 6 * budgetMiB; // docs/ingest.md "Memory bound", without the store's share
    console.log(JSON.stringify({ count, senders, budgetMiB, seconds: +seconds.toFixed(1), statuses, healthz: healthy, idleMiB: +idle.toFixed(0), peakMiB: +peak.toFixed(0), boundMiB: +bound.toFixed(0) }));
  } finally {
    await agent.stop();
    dir.remove();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
