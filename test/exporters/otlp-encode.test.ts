// The OTLP request rebuilt from stored points, decoded by the generated protobuf code (an
// independent reader): every kind, int and double values, flags, buckets, quantiles.
import { describe, expect, it } from 'vitest';
import root from '../../src/generated/otlp.js';
import { encodeOtlpRequest } from '../../src/exporters/otlp/otlp-encode.js';
import { BatchAssembler } from '../../src/exporters/forward-batch.js';
import { PointFlag } from '../../src/model/index.js';
import { buildBatch, histogramExtra, seriesDef, summaryExtra } from '../support/store-units.js';

const { ExportMetricsServiceRequest } = root.opentelemetry.proto.collector.metrics.v1;
const resource: [string, string][] = [['host.name', 'h'], ['service.name', 'svc']];
const common = { resource, scopeName: 'lib', scopeVersion: '1.2' };
const DEFS = [
  seriesDef({ hashHi: 1, hashLo: 1, name: 'g', kind: 'gauge', unit: 'Cel', description: 'temp', attributes: [['room', 'a']], ...common }),
  seriesDef({ hashHi: 2, hashLo: 2, name: 'c', kind: 'sum', temporality: 'cumulative', monotonic: true, unit: '{req}', ...common }),
  seriesDef({ hashHi: 3, hashLo: 3, name: 'h', kind: 'histogram', temporality: 'delta', unit: 'ms', ...common }),
  seriesDef({ hashHi: 4, hashLo: 4, name: 'e', kind: 'exponential_histogram', temporality: 'cumulative', ...common }),
  seriesDef({ hashHi: 5, hashLo: 5, name: 's', kind: 'summary', ...common, resource: [['service.name', 'other']] }),
];
// count, sum, min, max, scale, zeroCount, zeroThreshold, posOffset, nPos, pos…, negOffset, nNeg, neg…
const EXP = [9, 12.5, 0.5, 4, 2, 1, 0.001, -1, 3, 2, 3, 1, 0, 2, 1, 1];

describe('OTLP request rebuilt from the store', () => {
  it('carries resource, scope, metric and every point kind faithfully', () => {
    const t = 1_700_000_000_123;
    const batch = buildBatch(DEFS, [
      { series: 0, t, v: 21.5, start: 0 },
      { series: 1, t, v: 42, start: t - 60_000, flags: PointFlag.INT },
      { series: 0, t: t + 1, v: NaN, flags: PointFlag.NO_RECORDED_VALUE },
      { series: 2, t, start: t - 10_000, extra: histogramExtra({ count: 5, sum: 176, bounds: [5, 10, 100], counts: [2, 1, 1, 1], min: 1, max: 150 }) },
      { series: 3, t, extra: EXP },
      { series: 4, t, extra: summaryExtra(10, 55, [[0.5, 5], [0.99, 9.9]]) },
    ]);
    const a = new BatchAssembler();
    for (let r = 0; r < batch.pointCount; r++) a.addRow(batch, batch.definitions, r);
    const req = ExportMetricsServiceRequest.toObject(ExportMetricsServiceRequest.decode(encodeOtlpRequest(a.finish())), { longs: String, defaults: false });
    expect(req['resourceMetrics']).toHaveLength(2);
    const [rm, rm2] = req['resourceMetrics'];
    expect(rm.resource.attributes).toEqual([{ key: 'host.name', value: { stringValue: 'h' } }, { key: 'service.name', value: { stringValue: 'svc' } }]);
    expect(rm.scopeMetrics[0].scope).toEqual({ name: 'lib', version: '1.2' });
    const [g, c, h, e] = rm.scopeMetrics[0].metrics;
    expect(g).toMatchObject({ name: 'g', unit: 'Cel', description: 'temp' });
    expect(g.gauge.dataPoints).toEqual([
      { attributes: [{ key: 'room', value: { stringValue: 'a' } }], timeUnixNano: `${t}000000`, asDouble: 21.5 },
      { attributes: [{ key: 'room', value: { stringValue: 'a' } }], timeUnixNano: `${t + 1}000000`, flags: 1 },
    ]);
    expect(c.sum).toEqual({ aggregationTemporality: 2, isMonotonic: true, dataPoints: [{ startTimeUnixNano: `${t - 60_000}000000`, timeUnixNano: `${t}000000`, asInt: '42' }] });
    expect(h.histogram.aggregationTemporality).toBe(1);
    expect(h.histogram.dataPoints[0]).toMatchObject({ count: '5', sum: 176, bucketCounts: ['2', '1', '1', '1'], explicitBounds: [5, 10, 100], min: 1, max: 150 });
    expect(e.exponentialHistogram.dataPoints[0]).toMatchObject({
      count: '9', sum: 12.5, min: 0.5, max: 4, scale: 2, zeroCount: '1', zeroThreshold: 0.001,
      positive: { offset: -1, bucketCounts: ['2', '3', '1'] }, negative: { bucketCounts: ['1', '1'] },
    });
    expect(rm2.scopeMetrics[0].metrics[0].summary.dataPoints[0]).toMatchObject({ count: '10', sum: 55, quantileValues: [{ quantile: 0.5, value: 5 }, { quantile: 0.99, value: 9.9 }] });
  });
});
