// The store benchmark's workload: 10,000 series in 10 metrics of 1,000, one point each every
// 10 s, with value shapes of real systems (seeded).
import root from '../dist/generated/otlp.js';
import { prng } from './workload.mjs';

const { ExportMetricsServiceRequest } = root.opentelemetry.proto.collector.metrics.v1;
// The store issue's workload: counters, gauges with one or two decimals and small noise,
// some constant series.
export const METRICS = [
  { name: 'bench.requests', unit: '{request}', counter: true, step: (r) => Math.floor(r() * 20) },
  { name: 'bench.cpu.time', unit: 's', counter: true, step: (r) => Math.round(r() * 10) / 100 },
  { name: 'bench.network.packets', unit: '{packet}', counter: true, step: (r) => Math.floor(r() * 500) },
  { name: 'bench.temperature', unit: 'Cel', start: (r) => 20 + Math.round(r() * 100) / 10, step: (r, v) => Math.round((v + (r() - 0.5) * 0.4) * 10) / 10 },
  { name: 'bench.utilization', unit: '1', start: (r) => Math.round(r() * 100) / 100, step: (r, v) => Math.min(1, Math.max(0, Math.round((v + (r() - 0.5) * 0.04) * 100) / 100)) },
  { name: 'bench.load', unit: '1', start: (r) => Math.round(r() * 400) / 100, step: (r, v) => Math.max(0, Math.round((v + (r() - 0.5) * 0.1) * 100) / 100) },
  { name: 'bench.voltage', unit: 'V', start: (r) => 11 + Math.round(r() * 200) / 100, step: (r, v) => Math.round((v + (r() - 0.5) * 0.02) * 100) / 100 },
  { name: 'bench.battery', unit: '%', start: (r) => Math.round(r() * 1000) / 10, step: (r, v) => Math.max(0, Math.round((v - r() * 0.1) * 10) / 10) },
  { name: 'bench.limit', unit: '1', start: (r) => Math.floor(r() * 10) * 1024, step: (_r, v) => v },
  { name: 'bench.cpu.count', unit: '{cpu}', start: (r) => 1 + Math.floor(r() * 64), step: (_r, v) => v },
];
export const SERIES_PER_METRIC = 1000;

/** State of every series; `round(timeMs)` advances it and returns the encoded requests (1,000 points each). */
export function createStoreWorkload(seed = 7) {
  const rand = prng(seed);
  const values = METRICS.map((m) => Array.from({ length: SERIES_PER_METRIC }, () => (m.counter ? Math.floor(rand() * 1e6) : m.start(rand))));
  const resource = { attributes: [['service.name', 'bench'], ['service.instance.id', 'bench-1'], ['host.name', 'bench-host']].map(([key, v]) => ({ key, value: { stringValue: v } })) };
  return {
    round(timeMs) {
      const ns = String(BigInt(timeMs) * 1_000_000n);
      const requests = [];
      METRICS.forEach((m, mi) => {
        const dataPoints = values[mi].map((v, i) => {
          const next = m.counter ? v + m.step(rand) : m.step(rand, v);
          values[mi][i] = next;
          const point = { timeUnixNano: ns, attributes: [{ key: 'id', value: { stringValue: `s${i}` } }] };
          if (Number.isInteger(next) && Math.abs(next) < 2 ** 53) point.asInt = String(next);
          else point.asDouble = next;
          return point;
        });
        const data = m.counter ? { sum: { dataPoints, aggregationTemporality: 2, isMonotonic: true } } : { gauge: { dataPoints } };
        const body = { resourceMetrics: [{ resource, scopeMetrics: [{ scope: { name: 'bench' }, metrics: [{ name: m.name, unit: m.unit, ...data }] }] }] };
        requests.push(ExportMetricsServiceRequest.encode(ExportMetricsServiceRequest.fromObject(body)).finish());
      });
      return requests;
    },
  };
}
