// Flattener: OTel batches (built with BatchBuilder) into Prometheus float samples by ref.
import { describe, expect, it } from 'vitest';
import type { Batch, Labels, SeriesDefinition } from '../../../src/model/index.js';
import { PointFlag } from '../../../src/model/index.js';
import { Flattener, STALE_NAN } from '../../../src/store/flatten/index.js';
import type { Row } from '../../support/store-units.js';
import { bitsOf, buildBatch, expHistogramExtra, histogramExtra, MapResolver, RecordingSink, RefRegistry, seriesDef, sortRows, STALE_BITS, summaryExtra } from '../../support/store-units.js';

// Sorted by key, as definitions always are.
const RES_A: Labels = [['host.name', 'h1'], ['service.instance.id', 'i-1'], ['service.name', 'svc'], ['service.namespace', 'ns']];
const RES_B: Labels = [['host.name', 'h2'], ['service.name', 'other']];

const temp = seriesDef({ hashLo: 10, name: 'room.temp', unit: 'Cel', resource: RES_A, scopeName: 'sc', scopeVersion: '1', attributes: [['room', 'kitchen']] });
const requests = seriesDef({ hashLo: 11, name: 'http.requests', unit: '{request}', kind: 'sum', temporality: 'cumulative', monotonic: true, resource: RES_A, attributes: [['code', '200']] });
const duration = seriesDef({ hashLo: 12, name: 'http.server.duration', unit: 's', kind: 'histogram', temporality: 'cumulative', resource: RES_B });
const latency = seriesDef({ hashLo: 13, name: 'rpc.latency', unit: 'ms', kind: 'summary', resource: RES_B });
const sizes = seriesDef({ hashLo: 14, name: 'msg.size', unit: 'By', kind: 'exponential_histogram', temporality: 'delta', resource: RES_B });
const bare = seriesDef({ hashLo: 15, name: 'bare', resource: [] });

const TEMP = 'room_temp_celsius{instance="i-1",job="ns/svc",otel_scope_name="sc",otel_scope_version="1",room="kitchen"}';
const REQUESTS = 'http_requests_total{code="200",instance="i-1",job="ns/svc"}';
const INFO_A = 'target_info{host_name="h1",instance="i-1",job="ns/svc"}';
const INFO_B = 'target_info{host_name="h2",job="other"}';
const DUR = 'http_server_duration_seconds';
const LAT = 'rpc_latency_milliseconds';

function setup() {
  const resolver = new MapResolver();
  const flattener = new Flattener(resolver);
  const registry = new RefRegistry();
  const flatten = (batch: Batch, lookup: (hi: number, lo: number) => SeriesDefinition | undefined = () => undefined) => {
    const sink = new RecordingSink(resolver);
    const dropped = flattener.flatten(batch, registry.refsFor(batch, lookup), registry.byRef, sink);
    return { dropped, sink, rows: sink.rows() };
  };
  return { resolver, flatten };
}

describe('Flattener: gauges and sums', () => {
  it('gives one sample per point, in point order, with the ref of its label set, then target_info', () => {
    const { flatten } = setup();
    const batch = buildBatch([temp, requests], [
      { series: 0, t: 1000, v: 21.5 },
      { series: 1, t: 1000, v: 7, flags: PointFlag.INT },
      { series: 0, t: 2000, v: 22 },
      { series: 1, t: 2000, v: 9, flags: PointFlag.INT },
    ]);
    const { dropped, sink } = flatten(batch);
    expect(dropped).toBe(0);
    expect(sink.samples.map((s) => [s.series, s.t, s.v])).toEqual([
      [TEMP, 1000, 21.5],
      [REQUESTS, 1000, 7],
      [TEMP, 2000, 22],
      [REQUESTS, 2000, 9],
      [INFO_A, 2000, 1],
    ]);
    expect(new Set(sink.samples.map((s) => s.ref))).toEqual(new Set([0, 1, 2]));
    expect(sink.samples[0]!.ref).toBe(sink.samples[2]!.ref);
  });

  it('keeps the refs of a series across batches and asks the resolver again only for new label sets', () => {
    const { flatten, resolver } = setup();
    const first = flatten(buildBatch([temp], [{ series: 0, t: 1, v: 1 }]));
    const calls = resolver.calls;
    const second = flatten(buildBatch([temp], [{ series: 0, t: 2, v: 2 }], 'none'));
    expect(second.sink.samples.map((s) => s.ref)).toEqual(first.sink.samples.map((s) => s.ref));
    expect(resolver.calls).toBe(calls);
  });
});

describe('Flattener: compound kinds', () => {
  it('turns a histogram into cumulative _bucket{le} (+Inf = count), _sum and _count', () => {
    const { flatten } = setup();
    const extra = histogramExtra({ count: 10, sum: 3.5, min: 0.01, max: 2, bounds: [0.1, 0.5, 1], counts: [1, 2, 3, 4] });
    const { rows } = flatten(buildBatch([duration], [{ series: 0, t: 5000, extra }]));
    expect(rows).toEqual(
      sortRows([
        [`${DUR}_bucket{job="other",le="0.1"}`, 5000, 1],
        [`${DUR}_bucket{job="other",le="0.5"}`, 5000, 3],
        [`${DUR}_bucket{job="other",le="1"}`, 5000, 6],
        [`${DUR}_bucket{job="other",le="+Inf"}`, 5000, 10],
        [`${DUR}_count{job="other"}`, 5000, 10],
        [`${DUR}_sum{job="other"}`, 5000, 3.5],
        [INFO_B, 5000, 1],
      ]),
    );
  });

  it('skips _sum when the histogram had none, and gives a histogram without buckets only le="+Inf"', () => {
    const { flatten } = setup();
    const noSum = histogramExtra({ count: 3, sum: NaN, bounds: [1], counts: [1, 2] });
    const noBuckets = histogramExtra({ count: 4, sum: 8, bounds: [], counts: [] });
    const { rows } = flatten(buildBatch([duration], [{ series: 0, t: 1, extra: noSum }, { series: 0, t: 2, extra: noBuckets }]));
    expect(rows).toEqual(
      sortRows([
        [`${DUR}_bucket{job="other",le="1"}`, 1, 1],
        [`${DUR}_bucket{job="other",le="+Inf"}`, 1, 3],
        [`${DUR}_count{job="other"}`, 1, 3],
        [`${DUR}_bucket{job="other",le="+Inf"}`, 2, 4],
        [`${DUR}_count{job="other"}`, 2, 4],
        [`${DUR}_sum{job="other"}`, 2, 8],
        [INFO_B, 2, 1],
      ]),
    );
  });

  it('gives buckets of changed bounds their own series and reuses refs of equal label sets', () => {
    const { flatten } = setup();
    const a = histogramExtra({ count: 2, sum: 1, bounds: [0.5], counts: [1, 1] });
    const b = histogramExtra({ count: 6, sum: 2, bounds: [0.5, 2], counts: [1, 2, 3] });
    const { sink } = flatten(buildBatch([duration], [{ series: 0, t: 1, extra: a }, { series: 0, t: 2, extra: b }]));
    const buckets = sink.samples.filter((s) => s.series.includes('_bucket'));
    expect(buckets.map((s) => [s.series, s.t, s.v])).toEqual([
      [`${DUR}_bucket{job="other",le="0.5"}`, 1, 1],
      [`${DUR}_bucket{job="other",le="+Inf"}`, 1, 2],
      [`${DUR}_bucket{job="other",le="0.5"}`, 2, 1],
      [`${DUR}_bucket{job="other",le="2"}`, 2, 3],
      [`${DUR}_bucket{job="other",le="+Inf"}`, 2, 6],
    ]);
    expect(buckets[0]!.ref).toBe(buckets[2]!.ref);
    expect(buckets[1]!.ref).toBe(buckets[4]!.ref);
  });

  it('turns an exponential histogram into cumulative _bucket{le} (negative side, zero bucket, positive side), _sum and _count', () => {
    const { flatten } = setup();
    // Scale 2: negative bucket 0 holds 2 (values in [-2^0.25, -1)), zero bucket 1, positive
    // buckets -1 and 0 hold 3 and 4 ((2^-0.25, 1] and (1, 2^0.25]).
    const { rows } = flatten(buildBatch([sizes], [{ series: 0, t: 100, extra: expHistogramExtra(12, 340) }]));
    const bucket = (le: string, v: number): [string, number, number] => [`msg_size_bytes_bucket{job="other",le="${le}"}`, 100, v];
    expect(rows).toEqual(
      sortRows([bucket('-1', 2), bucket('0', 3), bucket('1', 6), bucket('1.189207115002721', 10), bucket('+Inf', 12), ['msg_size_bytes_count{job="other"}', 100, 12], ['msg_size_bytes_sum{job="other"}', 100, 340], [INFO_B, 100, 1]]),
    );
  });

  it('turns a summary into {quantile}, _sum and _count', () => {
    const { flatten } = setup();
    const extra = summaryExtra(4, 100, [[0, 5], [0.5, 20], [0.99, 40], [1, 45]]);
    const { rows } = flatten(buildBatch([latency], [{ series: 0, t: 7, extra }]));
    expect(rows).toEqual(
      sortRows([
        [`${LAT}{job="other",quantile="0"}`, 7, 5],
        [`${LAT}{job="other",quantile="0.5"}`, 7, 20],
        [`${LAT}{job="other",quantile="0.99"}`, 7, 40],
        [`${LAT}{job="other",quantile="1"}`, 7, 45],
        [`${LAT}_count{job="other"}`, 7, 4],
        [`${LAT}_sum{job="other"}`, 7, 100],
        [INFO_B, 7, 1],
      ]),
    );
  });
});

describe('Flattener: NO_RECORDED_VALUE', () => {
  it('writes the stale NaN to the value series, or to _count and _sum of compound kinds', () => {
    const { flatten } = setup();
    const stale = { v: NaN, flags: PointFlag.NO_RECORDED_VALUE };
    const batch = buildBatch([temp, requests, duration, latency], [
      { series: 0, t: 10, ...stale },
      { series: 1, t: 10, v: NaN, flags: PointFlag.NO_RECORDED_VALUE | PointFlag.INT },
      { series: 2, t: 10, ...stale },
      { series: 3, t: 10, ...stale },
    ]);
    const { sink } = flatten(batch);
    const values = sink.samples.filter((s) => !s.series.startsWith('target_info'));
    expect(values.map((s) => s.series).sort()).toEqual(
      [TEMP, REQUESTS, `${DUR}_count{job="other"}`, `${DUR}_sum{job="other"}`, `${LAT}_count{job="other"}`, `${LAT}_sum{job="other"}`].sort(),
    );
    for (const s of values) expect(s.bits, s.series).toBe(STALE_BITS);
    expect(bitsOf(STALE_NAN)).toBe(STALE_BITS);
    expect(sink.samples.filter((s) => s.series.startsWith('target_info')).map((s) => [s.series, s.t, s.v])).toEqual([
      [INFO_A, 10, 1],
      [INFO_B, 10, 1],
    ]);
  });
});

describe('Flattener: target_info', () => {
  it('gives one sample per resource and batch at the newest point time of that resource', () => {
    const { flatten } = setup();
    const first = flatten(buildBatch([temp, requests, duration], [
      { series: 0, t: 3000, v: 1 },
      { series: 2, t: 500, extra: histogramExtra({ count: 0, sum: 0, bounds: [], counts: [] }) },
      { series: 1, t: 1000, v: 1 },
      { series: 0, t: 2000, v: 1 },
    ]));
    const info = (rows: Row[]) => rows.filter(([s]) => s.startsWith('target_info'));
    expect(info(first.rows)).toEqual([[INFO_A, 3000, 1], [INFO_B, 500, 1]]);
    const second = flatten(buildBatch([requests, duration], [{ series: 0, t: 4000, v: 2 }], 'none'));
    expect(info(second.rows)).toEqual([[INFO_A, 4000, 1]]);
    const refA = (s: RecordingSink) => s.samples.find((x) => x.series === INFO_A)!.ref;
    expect(refA(second.sink)).toBe(refA(first.sink));
  });

  it('keeps per-resource times right when one batch brings more resources than its first table holds', () => {
    const { flatten } = setup();
    const defs = Array.from({ length: 40 }, (_, i) => seriesDef({ hashLo: 100 + i, name: 'g', resource: [['host.name', `h${i}`], ['service.name', 's']] }));
    const points = defs.flatMap((_, i) => [{ series: i, t: 1000 + i, v: i }, { series: i, t: 500, v: i }]);
    const { rows } = flatten(buildBatch(defs, points));
    const info = rows.filter(([s]) => s.startsWith('target_info'));
    expect(info).toEqual(sortRows(defs.map((_, i): Row => [`target_info{host_name="h${i}",job="s"}`, 1000 + i, 1])));
  });

  it('gives none for a resource without attributes', () => {
    const { flatten } = setup();
    expect(flatten(buildBatch([bare], [{ series: 0, t: 1, v: 1 }])).rows).toEqual([['bare{}', 1, 1]]);
  });
});

describe('Flattener: series without a definition', () => {
  it('counts their points as dropped and flattens the rest', () => {
    const { flatten } = setup();
    const unknown = seriesDef({ hashLo: 99, name: 'unknown' });
    const batch = buildBatch([temp, unknown], [
      { series: 1, t: 1, v: 1 },
      { series: 0, t: 1, v: 5 },
      { series: 1, t: 2, v: 2 },
      { series: 1, t: 3, extra: histogramExtra({ count: 1, sum: 1, bounds: [], counts: [] }) },
    ]);
    batch.definitions = [temp, undefined];
    const { dropped, rows } = flatten(batch);
    expect(dropped).toBe(3);
    expect(rows).toEqual([[TEMP, 1, 5], [INFO_A, 1, 1]]);
  });

  it('takes the definitions the store resolves for series the batch does not carry, and drops the rest', () => {
    const { flatten } = setup();
    const asked: string[] = [];
    const lookup = (hi: number, lo: number) => {
      asked.push(`${hi}:${lo}`);
      return lo === requests.hashLo ? requests : undefined;
    };
    const { dropped, rows } = flatten(buildBatch([requests, temp], [{ series: 0, t: 1, v: 3 }, { series: 1, t: 1, v: 4 }], 'none'), lookup);
    expect(asked).toEqual(['1:11', '1:10']);
    expect(dropped).toBe(1);
    expect(rows).toEqual([[REQUESTS, 1, 3], [INFO_A, 1, 1]]);
  });
});
