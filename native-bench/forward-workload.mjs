// The forwarding benchmarks' workload: `series` gauge series (metric fwd_bench_<m> × host
// h<j>, 100 hosts per metric), one point per series per step, values a pure function of
// (series, step) with two decimals, encoded as OTLP (for cairn) or remote write 1.0 (for
// vmagent, which takes no OTLP in 1.79): the same samples either way.
import { compressSync } from 'snappy';
import root from '../dist/generated/otlp.js';
import { ProtoBuffer } from '../dist/exporters/proto-buffer.js';

const { ExportMetricsServiceRequest } = root.opentelemetry.proto.collector.metrics.v1;
const HOSTS = 100;

export const valueOf = (s, step) => Math.round(((s * 7919 + step * 104729) % 100000) + step) / 100;
const host = (j) => `h${String(j).padStart(3, '0')}`;

/** Requests of `perRequest` points for one step: { otlp: Buffer[] } or { rw: Buffer[] }. */
export function stepRequests({ series, perRequest, step, timeMs, format }) {
  const out = [];
  for (let start = 0; start < series; start += perRequest) {
    const end = Math.min(series, start + perRequest);
    out.push(format === 'rw' ? rwRequest(start, end, step, timeMs) : otlpRequest(start, end, step, timeMs));
  }
  return out;
}

function otlpRequest(start, end, step, timeMs) {
  const ns = String(BigInt(Math.floor(timeMs)) * 1_000_000n);
  const byMetric = new Map();
  for (let s = start; s < end; s++) {
    const m = Math.floor(s / HOSTS);
    if (!byMetric.has(m)) byMetric.set(m, []);
    byMetric.get(m).push({ timeUnixNano: ns, asDouble: valueOf(s, step), attributes: [{ key: 'host', value: { stringValue: host(s % HOSTS) } }] });
  }
  const metrics = [...byMetric].map(([m, dataPoints]) => ({ name: `fwd_bench_${m}`, gauge: { dataPoints } }));
  const body = { resourceMetrics: [{ resource: { attributes: [] }, scopeMetrics: [{ scope: {}, metrics }] }] };
  return Buffer.from(ExportMetricsServiceRequest.encode(ExportMetricsServiceRequest.fromObject(body)).finish());
}

function rwRequest(start, end, step, timeMs) {
  const b = new ProtoBuffer();
  for (let s = start; s < end; s++) {
    const ts = b.begin(1);
    for (const [k, v] of [['__name__', `fwd_bench_${Math.floor(s / HOSTS)}`], ['host', host(s % HOSTS)]]) {
      const l = b.begin(1);
      b.string(1, k);
      b.string(2, v);
      b.end(l);
    }
    const smp = b.begin(2);
    b.double(1, valueOf(s, step));
    b.int64(2, timeMs);
    b.end(smp);
    b.end(ts);
  }
  return compressSync(b.finish());
}
