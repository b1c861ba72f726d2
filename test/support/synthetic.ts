import type { Attrs, ResourcePoints, SeriesPoints } from './otlp-points.js';
import { pointsProto, SCOPE, valueFor } from './otlp-points.js';
import type { Labels } from './prom-api.js';
import type { ExpectedSeries } from './store-check.js';

// Synthetic series with known points: point `seq` of a series is at base + seq·step with
// value valueFor(series index, seq). Requests carry any chosen seqs of any chosen series.

export interface SyntheticSeries {
  /** Distinct per series; feeds valueFor. */
  readonly index: number;
  readonly resource: Attrs;
  readonly metric: string;
  readonly kind: 'gauge' | 'counter';
  readonly unit: string;
  readonly attributes: Attrs;
  /** The Prometheus series it becomes (name with unit and _total suffixes, job, instance, scope). */
  readonly labels: Labels;
}

export interface SyntheticMetric {
  readonly name: string;
  readonly kind: 'gauge' | 'counter';
  readonly unit: string;
  /** Its Prometheus name. */
  readonly promName: string;
}

export class Synthetic {
  readonly series: SyntheticSeries[] = [];
  readonly baseMs: number;
  readonly stepMs: number;

  /**
   * `services` resources (service.name = `${prefix}-svc-<i>`, service.instance.id = `inst-<i>`),
   * each with every metric, each metric with `perMetric` attribute sets. `hostName: false`
   * leaves out the resource's `host.name`, and with it the resource's `target_info` series.
   */
  constructor(o: { prefix: string; services: number; metrics: readonly SyntheticMetric[]; perMetric: number; baseMs: number; stepMs: number; firstIndex?: number; hostName?: boolean }) {
    this.baseMs = o.baseMs;
    this.stepMs = o.stepMs;
    let index = o.firstIndex ?? 1;
    for (let s = 0; s < o.services; s++) {
      const job = `${o.prefix}-svc-${s}`;
      const instance = `inst-${s}`;
      const resource: Attrs = { 'service.name': job, 'service.instance.id': instance, ...(o.hostName === false ? {} : { 'host.name': `host-${s}` }) };
      for (const m of o.metrics) {
        for (let k = 0; k < o.perMetric; k++) {
          const attributes = { 'series.key': `k${k}`, shard: String(k % 3) };
          const labels: Labels = {
            __name__: m.promName,
            job,
            instance,
            otel_scope_name: SCOPE.name,
            otel_scope_version: SCOPE.version,
            series_key: `k${k}`,
            shard: String(k % 3),
          };
          this.series.push({ index: index++, resource, metric: m.name, kind: m.kind, unit: m.unit, attributes, labels });
        }
      }
    }
  }

  timeOf(seq: number): number {
    return this.baseMs + seq * this.stepMs;
  }

  /** A request with points `seqs` of each series in `of` (default: all). */
  request(seqs: readonly number[], of: readonly SyntheticSeries[] = this.series): Buffer {
    const byResource = new Map<string, { resource: Attrs; metrics: Map<string, { name: string; kind: 'gauge' | 'counter'; unit: string; series: SeriesPoints[] }> }>();
    for (const s of of) {
      const rk = JSON.stringify(s.resource);
      let r = byResource.get(rk);
      if (r === undefined) byResource.set(rk, (r = { resource: s.resource, metrics: new Map() }));
      let m = r.metrics.get(s.metric);
      if (m === undefined) r.metrics.set(s.metric, (m = { name: s.metric, kind: s.kind, unit: s.unit, series: [] }));
      m.series.push({ attributes: s.attributes, points: seqs.map((q) => [this.timeOf(q), valueFor(s.index, q)]) });
    }
    const resources: ResourcePoints[] = [...byResource.values()].map((r) => ({ resource: r.resource, metrics: [...r.metrics.values()] }));
    return pointsProto(resources);
  }

  /** The expected points of the series in `of` for the given seqs. */
  expected(seqs: Iterable<number>, of: readonly SyntheticSeries[] = this.series): ExpectedSeries[] {
    const list = [...seqs];
    return of.map((s) => ({ labels: s.labels, points: new Map(list.map((q) => [this.timeOf(q), valueFor(s.index, q)])) }));
  }

  /** Series of one Prometheus metric name. */
  named(promName: string): SyntheticSeries[] {
    return this.series.filter((s) => s.labels['__name__'] === promName);
  }
}

/** A range of integers [from, to). */
export function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}
