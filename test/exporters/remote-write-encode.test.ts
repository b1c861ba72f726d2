// Remote write requests decoded by an independent protobuf walker: 1.0 labels and samples,
// 2.0 symbols, label references, start timestamps and metadata.
import { describe, expect, it } from 'vitest';
import { BatchAssembler } from '../../src/exporters/forward-batch.js';
import { PromSeriesBuilder } from '../../src/exporters/prw/prom-series.js';
import { encodeRw1 } from '../../src/exporters/prw/rw1-encode.js';
import { encodeRw2 } from '../../src/exporters/prw/rw2-encode.js';
import { PointFlag } from '../../src/model/index.js';
import { buildBatch, histogramExtra, seriesDef } from '../support/store-units.js';

interface Field {
  readonly field: number;
  readonly wire: number;
  readonly varint?: bigint;
  readonly bytes?: Buffer;
  readonly double?: number;
}

function fields(b: Buffer): Field[] {
  const out: Field[] = [];
  let i = 0;
  const varint = (): bigint => {
    let v = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const byte = b[i++]!;
      v |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return v;
    }
  };
  while (i < b.length) {
    const tag = Number(varint());
    const wire = tag & 7;
    if (wire === 0) out.push({ field: tag >>> 3, wire, varint: varint() });
    else if (wire === 1) {
      out.push({ field: tag >>> 3, wire, double: b.readDoubleLE(i) });
      i += 8;
    } else {
      const n = Number(varint());
      out.push({ field: tag >>> 3, wire, bytes: b.subarray(i, i + n) });
      i += n;
    }
  }
  return out;
}

function readPacked(b: Buffer): number[] {
  const out: number[] = [];
  let i = 0;
  while (i < b.length) {
    let v = 0;
    for (let mul = 1; ; mul *= 128) {
      const byte = b[i++]!;
      v += (byte & 0x7f) * mul;
      if (byte < 0x80) break;
    }
    out.push(v);
  }
  return out;
}

const t = 1_700_000_000_000;
const DEFS = [
  seriesDef({ hashHi: 1, hashLo: 1, name: 'http.requests', kind: 'sum', temporality: 'cumulative', monotonic: true, description: 'served', resource: [['service.name', 'api']], attributes: [['route', '/a']] }),
  seriesDef({ hashHi: 2, hashLo: 2, name: 'lat', kind: 'histogram', temporality: 'cumulative', unit: 's', resource: [['service.name', 'api']] }),
];

function promBatch() {
  const batch = buildBatch(DEFS, [
    { series: 0, t, v: 5, start: t - 60_000, flags: PointFlag.INT },
    { series: 1, t, start: t - 60_000, extra: histogramExtra({ count: 3, sum: 1.5, bounds: [1], counts: [2, 1] }) },
    { series: 0, t: t + 1000, v: 7, start: t - 60_000, flags: PointFlag.INT },
  ]);
  const a = new BatchAssembler();
  for (let r = 0; r < batch.pointCount; r++) a.addRow(batch, batch.definitions, r);
  return new PromSeriesBuilder().build(a.finish());
}

describe('remote write encoding', () => {
  it('1.0: one TimeSeries per Prometheus series with its sorted labels and samples in order', () => {
    const series = fields(encodeRw1(promBatch())).map((ts) => {
      const f = fields(ts.bytes!);
      const labels = f.filter((x) => x.field === 1).map((l) => fields(l.bytes!).map((x) => x.bytes!.toString()).join('='));
      const samples = f.filter((x) => x.field === 2).map((s) => fields(s.bytes!).map((x) => (x.field === 1 ? x.double : Number(x.varint))));
      return { labels, samples };
    });
    expect(series).toEqual([
      { labels: ['__name__=http_requests_total', 'job=api', 'route=/a'], samples: [[5, t], [7, t + 1000]] },
      { labels: ['__name__=lat_seconds_count', 'job=api'], samples: [[3, t]] },
      { labels: ['__name__=lat_seconds_sum', 'job=api'], samples: [[1.5, t]] },
      { labels: ['__name__=lat_seconds_bucket', 'job=api', 'le=1'], samples: [[2, t]] },
      { labels: ['__name__=lat_seconds_bucket', 'job=api', 'le=+Inf'], samples: [[3, t]] },
    ]);
  });

  it('2.0: symbols table from "", label references, start_timestamp (field 3) and metadata', () => {
    const top = fields(encodeRw2(promBatch()));
    const symbols = top.filter((f) => f.field === 4).map((f) => f.bytes!.toString());
    expect(symbols[0]).toBe('');
    const series = top.filter((f) => f.field === 5).map((ts) => {
      const f = fields(ts.bytes!);
      const refs = readPacked(f.find((x) => x.field === 1)!.bytes!);
      const labels: string[] = [];
      for (let i = 0; i < refs.length; i += 2) labels.push(`${symbols[refs[i]!]}=${symbols[refs[i + 1]!]}`);
      const samples = f.filter((x) => x.field === 2).map((s) => Object.fromEntries(fields(s.bytes!).map((x) => [x.field, x.field === 1 ? x.double : Number(x.varint)])));
      const md = Object.fromEntries(fields(f.find((x) => x.field === 5)!.bytes!).map((x) => [x.field, Number(x.varint)]));
      return { labels, samples, type: md[1], help: md[3] === undefined ? undefined : symbols[md[3]], unit: md[4] === undefined ? undefined : symbols[md[4]] };
    });
    expect(series[0]).toEqual({ labels: ['__name__=http_requests_total', 'job=api', 'route=/a'], samples: [{ 1: 5, 2: t, 3: t - 60_000 }, { 1: 7, 2: t + 1000, 3: t - 60_000 }], type: 1, help: 'served', unit: undefined });
    expect(series[1]).toMatchObject({ labels: ['__name__=lat_seconds_count', 'job=api'], type: 3, unit: 's' });
    expect(series).toHaveLength(5);
  });
});
