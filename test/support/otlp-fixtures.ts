/** Small hand-built OTLP requests for targeted tests (generated ones come from otlp-gen.ts). */
import type { GenRequest, KeyValue, Metric, Point, ResourceMetrics } from './otlp-gen.js';
import { BASE_NS } from './otlp-gen.js';

/** Visits every data point of a request with the metric it belongs to. */
export function forEachPoint(req: GenRequest, visit: (p: Point, m: Metric, rm: ResourceMetrics) => void): void {
  for (const rm of req.resourceMetrics) {
    for (const sm of rm.scopeMetrics) {
      for (const m of sm.metrics) {
        const data = m.gauge ?? m.sum ?? m.histogram ?? m.exponentialHistogram ?? m.summary;
        for (const p of data?.dataPoints ?? []) visit(p, m, rm);
      }
    }
  }
}

/** A gauge request with one point per attribute set given; handy for targeted tests. */
export function gaugeRequest(attributeSets: KeyValue[][], metric: Partial<Metric> = {}): GenRequest {
  const dataPoints = attributeSets.map((attributes, i) => ({ attributes, timeUnixNano: String(BASE_NS + BigInt(i) * 1_000_000n), asDouble: i + 0.5 }));
  return {
    resourceMetrics: [
      { resource: { attributes: [str('service.name', 'svc')] }, scopeMetrics: [{ scope: { name: 'sc', version: '1' }, metrics: [{ name: 'g', unit: 'ms', gauge: { dataPoints }, ...metric }] }] },
    ],
  };
}

export function str(key: string, value: string): KeyValue {
  return { key, value: { stringValue: value } };
}

/** One resource and scope holding the given metrics. */
export function requestOf(...metrics: Metric[]): GenRequest {
  return { resourceMetrics: [{ resource: { attributes: [str('service.name', 'svc')] }, scopeMetrics: [{ scope: { name: 'sc' }, metrics }] }] };
}

/** A point at the i-th millisecond after a fixed base time, with the given fields. */
export function pointAt(i: number, fields: Record<string, unknown> = {}, attributes: KeyValue[] = []): Point {
  return { attributes, timeUnixNano: String(BASE_NS + BigInt(i) * 1_000_000n), ...fields };
}

/** A request in which every field of every message the decoder reads is set at least once. */
export function fullRequest(): GenRequest {
  const attrs: KeyValue[] = [str('k', 'v'), { key: 'd', value: { doubleValue: 1.5 } }];
  const ex = { filteredAttributes: attrs, timeUnixNano: '7', asDouble: 1, traceId: new Uint8Array(16).fill(1), spanId: new Uint8Array(8).fill(2) };
  const common = { startTimeUnixNano: String(BASE_NS - 1_000_000_000n), flags: 2, exemplars: [ex] };
  const stats = { sum: 10.5, min: 0.5, max: 9 };
  return {
    resourceMetrics: [
      {
        resource: { attributes: [str('service.name', 'svc'), { key: 'n', value: { arrayValue: { values: [{ intValue: '1' }] } } }], droppedAttributesCount: 1 },
        scopeMetrics: [
          {
            scope: { name: 'sc', version: '1', attributes: attrs, droppedAttributesCount: 2 },
            metrics: [
              { name: 'g', description: 'gd', unit: 'ms', gauge: { dataPoints: [pointAt(1, { ...common, asDouble: 2.5 }, attrs)] } },
              { name: 's', unit: '1', sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints: [pointAt(2, { ...common, asInt: '-3' }, attrs)] } },
              { name: 'h', histogram: { aggregationTemporality: 1, dataPoints: [pointAt(3, { ...common, ...stats, count: '6', bucketCounts: ['1', '2', '3'], explicitBounds: [1, 5] }, attrs)] } },
              {
                name: 'e',
                exponentialHistogram: {
                  aggregationTemporality: 2,
                  dataPoints: [pointAt(4, { ...common, ...stats, count: '9', scale: -2, zeroCount: '1', zeroThreshold: 0.001, positive: { offset: -1, bucketCounts: ['3', '4'] }, negative: { offset: 2, bucketCounts: ['1'] } }, attrs)],
                },
              },
              { name: 'q', summary: { dataPoints: [pointAt(5, { startTimeUnixNano: common.startTimeUnixNano, flags: 2, count: '4', sum: 8, quantileValues: [{ quantile: 0.5, value: 2 }, { quantile: 1, value: 3 }] }, attrs)] } },
            ],
          },
        ],
      },
    ],
  };
}
