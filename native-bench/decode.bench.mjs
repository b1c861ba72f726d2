// Decode cost per point: generated protobufjs code (decode + copy into columns) against the
// hand-written walker, on the 1,000-point workload of BENCHMARKS.md. Single thread, no I/O.
// Usage: npm run build && node native-bench/decode.bench.mjs [--series 10000] [--points 1000]
import { Bench } from 'tinybench';
import root from '../dist/generated/otlp.js';
import { OtlpProtoDecoder } from '../dist/workers/decode/otlp-proto.js';
import { decodeOtlpJson } from '../dist/workers/decode/otlp-json.js';
import { buildWorkload } from './workload.mjs';

const args = Object.fromEntries(process.argv.slice(2).join(' ').split('--').filter(Boolean).map((a) => a.trim().split(/\s+/)));
const series = Number(args.series ?? 10_000);
const pointsPerRequest = Number(args.points ?? 1_000);
const { requests, json } = buildWorkload({ series, pointsPerRequest, json: true });
const { ExportMetricsServiceRequest } = root.opentelemetry.proto.collector.metrics.v1;
const limits = { maxAttributeBytes: 16384, maxAttributes: 128 };
const walker = new OtlpProtoDecoder(limits);
const jsonBytes = json.map((s) => Buffer.from(s));
let i = 0;
const jsonCache = new Map();
let sink = 0;

// The baseline does what any decoder must: every point's series identity and value in columns.
function generatedDecode(bytes) {
  const req = ExportMetricsServiceRequest.decode(bytes);
  const ts = new Float64Array(pointsPerRequest);
  const vs = new Float64Array(pointsPerRequest);
  const keys = [];
  let n = 0;
  for (const rm of req.resourceMetrics) {
    const res = rm.resource.attributes.map((a) => `${a.key}=${a.value.stringValue}`).join(',');
    for (const sm of rm.scopeMetrics) {
      for (const m of sm.metrics) {
        const data = m.gauge ?? m.sum;
        for (const p of data.dataPoints) {
          keys.push(`${res}|${m.name}|${p.attributes.map((a) => `${a.key}=${a.value.stringValue}`).join(',')}`);
          ts[n] = Number(p.timeUnixNano) / 1e6;
          vs[n++] = p.asDouble ?? Number(p.asInt);
        }
      }
    }
  }
  return n + keys.length;
}

// Warm the walker's series cache: steady state is what the agent runs in.
for (const r of requests) walker.decode(r);

const bench = new Bench({ time: 3000, warmupTime: 500 });
bench
  .add('protobufjs generated decode + columns', () => {
    sink += generatedDecode(requests[i++ % requests.length]);
  })
  .add('hand-written walker (warm series cache)', () => {
    sink += walker.decode(requests[i++ % requests.length]).accepted;
  })
  .add('hand-written walker (cold: new decoder per request)', () => {
    sink += new OtlpProtoDecoder(limits).decode(requests[i++ % requests.length]).accepted;
  })
  .add('OTLP/JSON decoder (warm identity cache)', () => {
    sink += decodeOtlpJson(jsonBytes[i++ % jsonBytes.length], limits, jsonCache).accepted;
  });
await bench.run();

const rows = bench.tasks.map((t) => {
  const median = t.result.latency?.p50 ?? t.result.period;
  return { task: t.name, medianMsPerRequest: +median.toFixed(4), nsPerPoint: Math.round((median * 1e6) / pointsPerRequest), pointsPerSecond: Math.round((pointsPerRequest / median) * 1000) };
});
console.table(rows);
console.log(JSON.stringify({ bench: 'decode', series, pointsPerRequest, bytesPerPoint: +(requests[0].length / pointsPerRequest).toFixed(1), rows, sink: sink > 0 }));
