import { describe, expect, it } from 'vitest';
import { localBatch, localOrigin, LocalSeriesTable, PointRecorder } from '../../../src/sources/kit/index.js';
import { HISTOGRAM_HEADER, PointFlag } from '../../../src/model/index.js';

const origin = localOrigin([['service.name', 'cairn'], ['host.name', 'h']], 'cairn/self');
const C = { name: 'requests', unit: '', description: 'd' };

describe('PointRecorder and localBatch', () => {
  it('maps sink calls to OTel kinds, identities independent of attribute order', () => {
    const table = new LocalSeriesTable();
    const r = new PointRecorder(table, origin, 500);
    r.counter(C, [['a', '1'], ['b', '2']], 10);
    r.counter(C, [['b', '2'], ['a', '1']], 11); // same series
    r.upDown({ ...C, name: 'inuse', int: true }, [], 3);
    r.gauge({ ...C, name: 'temp' }, [], 1.5);
    r.counter(C, [['a', '1']], 4, 900);
    const [c1, c2, ud, g, c3] = r.points;
    expect([c2!.def.hashHi, c2!.def.hashLo]).toEqual([c1!.def.hashHi, c1!.def.hashLo]);
    expect(c1!.def.kind).toBe('sum');
    expect(c1!.def.monotonic).toBe(true);
    expect(c1!.def.temporality).toBe('cumulative');
    expect(c1!.def.resource).toEqual([['host.name', 'h'], ['service.name', 'cairn']]);
    expect(c1!.startMs).toBe(500);
    expect(c3!.startMs).toBe(900);
    expect(ud!.def.monotonic).toBe(false);
    expect(ud!.flags).toBe(PointFlag.INT);
    expect(g!.def.kind).toBe('gauge');
    expect(g!.startMs).toBe(0);

    const batch = localBatch(r.points, 20_000, (hi) => hi === c3!.def.hashHi);
    expect(batch.pointCount).toBe(5);
    expect(batch.seriesCount).toBe(4);
    expect(Array.from(batch.series.subarray(0, 5))).toEqual([0, 0, 1, 2, 3]);
    expect(batch.definitions.map((d) => d?.name)).toEqual(['requests', 'inuse', 'temp', undefined]);
  });

  it('histograms carry the compound payload', () => {
    const r = new PointRecorder(new LocalSeriesTable(), origin, 0);
    r.histogram({ ...C, name: 'latency' }, [['receiver', 'grpc']], 2.5, [0.1, 1], [3, 1, 2]);
    const batch = localBatch(r.points, 1_000, () => false);
    expect(batch.flags[0]).toBe(PointFlag.COMPOUND);
    expect(batch.values[0]).toBe(6);
    const off = batch.extraOffset[0]!;
    const payload = Array.from(batch.extra.subarray(off, off + HISTOGRAM_HEADER + 5));
    expect(payload.slice(0, 2)).toEqual([6, 2.5]);
    expect(payload.slice(4)).toEqual([3, 0.1, 1, 3, 1, 2]);
    expect(batch.definitions[0]!.kind).toBe('histogram');
  });

  it('withResource adds resource attributes; invalid series are counted, not stored', () => {
    const r = new PointRecorder(new LocalSeriesTable(), origin, 0);
    r.withResource([['process.pid', '42']]).gauge(C, [], 1);
    r.gauge(C, [['', 'x']], 1);
    expect(r.points).toHaveLength(1);
    expect(r.points[0]!.def.resource).toContainEqual(['process.pid', '42']);
    expect(r.invalid).toBe(1);
    expect(r.firstError).toContain('empty key');
  });

  it('forgets definitions unused for a few collections', () => {
    const table = new LocalSeriesTable();
    new PointRecorder(table, origin, 0).gauge(C, [['pid', '1']], 1);
    for (let i = 0; i < 3; i++) {
      new PointRecorder(table, origin, 0).gauge(C, [['pid', '2']], 1);
      table.sweep();
    }
    expect(table.size).toBe(2);
    table.sweep();
    expect(table.size).toBe(1);
  });
});
