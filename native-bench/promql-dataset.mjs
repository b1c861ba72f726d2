// The PromQL benchmark dataset: ~10,000 series × 24 h at 10 s, the same samples for cairn (OTLP)
// and Prometheus (remote write). Seeded arithmetic, no randomness: value(series, step).
//   100 hosts in 10 jobs (resource service.name = job, service.instance.id = host):
//   x_total{series=0..79}                  8,000 counters
//   node_cpu_seconds_total{cpu,mode}        1,600 counters (4 cpus × idle/user/system/iowait)
//   node_memory_available_bytes               100 gauges
//   node_filesystem_avail_bytes{mountpoint}   200 gauges
//   http_request_duration_seconds_*            130 (one histogram per job: 10 buckets + +Inf, _sum, _count)
import root from '../dist/generated/otlp.js';
import { formatLabelFloat } from '../dist/store/flatten/index.js';

const { ExportMetricsServiceRequest } = root.opentelemetry.proto.collector.metrics.v1;

export const STEP_MS = 10_000;
export const JOBS = 10;
export const HOSTS_PER_JOB = 10;
export const X_PER_HOST = 80;
const MODES = ['idle', 'user', 'system', 'iowait'];
const MOUNTS = ['/', '/data'];
export const BOUNDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

const job = (j) => `job-${j}`;
const host = (j, h) => `host-${j}-${h}`;

/** Value functions per family, step k (0-based). */
const xValue = (r, s, k) => k * (1 + ((r * X_PER_HOST + s) % 7));
const cpuValue = (r, c, m, k) => Math.round(k * (m === 0 ? 9 : 1 + ((r + c) % 3)) * 10) / 100;
const memValue = (r, k) => 8e9 + ((k * 37 + r * 11) % 1000) * 1e6;
const fsValue = (r, mp, k) => 1e11 - k * 1000 * (mp + 1) - r * 1e6;
const bucketIncrement = (j, b) => ((b + j) % 4) + 1; // per step, per (non-cumulative) bucket
const histSum = (j, k) => Math.round(k * (12.5 + j) * 1000) / 1000;

/** Every series as Prometheus labels with its value function (the remote-write side). */
export function promSeries() {
  const out = [];
  for (let j = 0; j < JOBS; j++) {
    for (let h = 0; h < HOSTS_PER_JOB; h++) {
      const r = j * HOSTS_PER_JOB + h;
      const base = { job: job(j), instance: host(j, h) };
      for (let s = 0; s < X_PER_HOST; s++) out.push({ labels: { __name__: 'x_total', ...base, series: String(s) }, value: (k) => xValue(r, s, k) });
      for (let c = 0; c < 4; c++) for (let m = 0; m < 4; m++) out.push({ labels: { __name__: 'node_cpu_seconds_total', ...base, cpu: String(c), mode: MODES[m] }, value: (k) => cpuValue(r, c, m, k) });
      out.push({ labels: { __name__: 'node_memory_available_bytes', ...base }, value: (k) => memValue(r, k) });
      for (let mp = 0; mp < 2; mp++) out.push({ labels: { __name__: 'node_filesystem_avail_bytes', ...base, mountpoint: MOUNTS[mp] }, value: (k) => fsValue(r, mp, k) });
    }
    const base = { job: job(j), instance: host(j, 0) };
    let cumulative = 0;
    for (let b = 0; b <= BOUNDS.length; b++) {
      cumulative += bucketIncrement(j, b);
      const perStep = cumulative;
      out.push({ labels: { __name__: 'http_request_duration_seconds_bucket', ...base, le: formatLabelFloat(b < BOUNDS.length ? BOUNDS[b] : Infinity) }, value: (k) => k * perStep });
    }
    out.push({ labels: { __name__: 'http_request_duration_seconds_count', ...base }, value: (k) => k * cumulative });
    out.push({ labels: { __name__: 'http_request_duration_seconds_sum', ...base }, value: (k) => histSum(j, k) });
  }
  return out;
}

const kv = ([key, value]) => ({ key, value: { stringValue: value } });
const f64 = (v) => {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(v);
  return b;
};
const u64 = (v) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(v));
  return b;
};

/**
 * One OTLP request holding one point of every series, encoded once with marker values; `at(k)`
 * patches timestamps and values in place for step k (the encoding stays valid: fixed64 fields).
 */
export function otlpTemplate(t0Ms, jobFilter = () => true) {
  let marker = 1;
  const patches = []; // [kind 'f64'|'u64', markerBytes, fn(k)]
  const dbl = (fn) => {
    const m = 1e15 + marker++ * 0.5;
    patches.push(['f64', f64(m), fn]);
    return m;
  };
  const cnt = (fn) => {
    const m = 900_000_000_000_000 + marker++;
    patches.push(['u64', u64(m), fn]);
    return String(m);
  };
  const T_MARK = '1234567890123456789';
  const start = String(BigInt(t0Ms - STEP_MS) * 1_000_000n);
  const point = (attrs, value) => ({ timeUnixNano: T_MARK, startTimeUnixNano: start, attributes: attrs.map(kv), asDouble: value });
  const resourceMetrics = [];
  for (let j = 0; j < JOBS; j++) {
    if (!jobFilter(j)) continue;
    for (let h = 0; h < HOSTS_PER_JOB; h++) {
      const r = j * HOSTS_PER_JOB + h;
      const metrics = [
        { name: 'x', unit: '', sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints: Array.from({ length: X_PER_HOST }, (_, s) => point([['series', String(s)]], dbl((k) => xValue(r, s, k)))) } },
        {
          name: 'node_cpu',
          unit: 's',
          sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints: [0, 1, 2, 3].flatMap((c) => MODES.map((mode, m) => point([['cpu', String(c)], ['mode', mode]], dbl((k) => cpuValue(r, c, m, k))))) },
        },
        { name: 'node_memory_available', unit: 'By', gauge: { dataPoints: [point([], dbl((k) => memValue(r, k)))] } },
        { name: 'node_filesystem_avail', unit: 'By', gauge: { dataPoints: MOUNTS.map((mountpoint, mp) => point([['mountpoint', mountpoint]], dbl((k) => fsValue(r, mp, k)))) } },
      ];
      if (h === 0) {
        const counts = Array.from({ length: BOUNDS.length + 1 }, (_, b) => cnt((k) => k * bucketIncrement(j, b)));
        const total = Array.from({ length: BOUNDS.length + 1 }, (_, b) => bucketIncrement(j, b)).reduce((a, b) => a + b, 0);
        metrics.push({
          name: 'http_request_duration',
          unit: 's',
          histogram: { aggregationTemporality: 2, dataPoints: [{ timeUnixNano: T_MARK, startTimeUnixNano: start, count: cnt((k) => k * total), sum: dbl((k) => histSum(j, k)), bucketCounts: counts, explicitBounds: BOUNDS }] },
        });
      }
      resourceMetrics.push({ resource: { attributes: [['service.name', job(j)], ['service.instance.id', host(j, h)]].map(kv) }, scopeMetrics: [{ scope: { name: '' }, metrics }] });
    }
  }
  const bytes = Buffer.from(ExportMetricsServiceRequest.encode(ExportMetricsServiceRequest.fromObject({ resourceMetrics })).finish());
  const tBytes = u64(T_MARK);
  const tOffsets = [];
  for (let at = bytes.indexOf(tBytes); at >= 0; at = bytes.indexOf(tBytes, at + 8)) tOffsets.push(at);
  let from = 0;
  const located = patches.map(([kind, m, fn]) => {
    // Markers are mostly in encoding order: look on from the last one first.
    let at = bytes.indexOf(m, from);
    if (at < 0) at = bytes.indexOf(m);
    if (at < 0) throw new Error('marker not found');
    from = at;
    return [kind, at, fn];
  });
  return {
    points: located.length,
    at(k) {
      const ns = BigInt(t0Ms + k * STEP_MS) * 1_000_000n;
      for (const o of tOffsets) bytes.writeBigUInt64LE(ns, o);
      for (const [kind, at, fn] of located) {
        if (kind === 'f64') bytes.writeDoubleLE(fn(k), at);
        else bytes.writeBigUInt64LE(BigInt(fn(k)), at);
      }
      return bytes;
    },
  };
}
