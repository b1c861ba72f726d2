// The compact sample record (docs/format/wal.md, type 3): every column comes back bit for bit,
// references and hashes per local series, and damaged payloads fail as WAL_CORRUPT.
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../../src/errors/index.js';
import { PointFlag } from '../../../src/model/index.js';
import { decodeSampleRecord, SampleRecordEncoder } from '../../../src/store/records/index.js';
import { mulberry32 } from '../../support/prng.js';
import { bitsOf, buildBatch, expectCairnError, histogramExtra, seriesDef, STALE_BITS, summaryExtra } from '../../support/store-units.js';

const staleNaN = new Float64Array(new BigUint64Array([STALE_BITS]).buffer)[0]!;

function roundTrip(batch: ReturnType<typeof buildBatch>, refs: Int32Array) {
  const payload = new SampleRecordEncoder().encode(batch, refs);
  return { payload, decoded: decodeSampleRecord(payload.slice()) };
}

const columnsOf = (b: { pointCount: number; series: Uint32Array; timeMs: Float64Array; startMs: Float64Array; values: Float64Array; flags: Uint8Array }) => ({
  series: Array.from(b.series.subarray(0, b.pointCount)),
  timeMs: Array.from(b.timeMs.subarray(0, b.pointCount)),
  startMs: Array.from(b.startMs.subarray(0, b.pointCount)),
  values: Array.from(b.values.subarray(0, b.pointCount), bitsOf),
  flags: Array.from(b.flags.subarray(0, b.pointCount)),
});

describe('compact sample record', () => {
  it('keeps every value bit for bit: decimals, integers, raw floats, -0, infinities, NaN payloads', () => {
    const values = [0, 1, -1, 12.34, -0.001, 123456789012, 2 ** 53, 0.1 + 0.2, Math.PI, -0, Infinity, -Infinity, NaN, staleNaN, 1e-300, 5e300, 42.000001];
    const defs = [seriesDef({ hashHi: 1, hashLo: 2 }), seriesDef({ hashHi: 3, hashLo: 4 })];
    const batch = buildBatch(defs, values.map((v, i) => ({ series: i % 2, t: 1_700_000_000_000 + (i % 3) * 7 - i, v, start: i % 4 === 0 ? 0 : 1_600_000_000_000 + i, flags: i === 13 ? PointFlag.NO_RECORDED_VALUE : i % 5 === 0 ? PointFlag.INT : 0 })));
    const { decoded } = roundTrip(batch, Int32Array.from([7, -1]));
    expect(columnsOf(decoded.columns)).toEqual(columnsOf(batch));
    expect(Array.from(decoded.seriesRefs)).toEqual([7, -1]);
    // The unresolved series travels by its hash.
    expect(Array.from(decoded.columns.seriesHashes.subarray(2, 4))).toEqual([3, 4]);
  });

  it('keeps compound payloads and where each point finds its own', () => {
    const h = seriesDef({ hashHi: 9, hashLo: 9, kind: 'histogram', temporality: 'cumulative' });
    const s = seriesDef({ hashHi: 8, hashLo: 8, kind: 'summary' });
    const g = seriesDef({ hashHi: 7, hashLo: 7 });
    const batch = buildBatch([h, s, g], [
      { series: 0, t: 10, extra: histogramExtra({ count: 5, sum: 12.5, bounds: [0.1, 1, 10], counts: [1, 2, 1, 1] }) },
      { series: 2, t: 10, v: 3.5 },
      { series: 1, t: 10, extra: summaryExtra(4, 2.25, [[0.5, 0.5], [0.99, 1.75]]) },
      { series: 0, t: 20, extra: histogramExtra({ count: 0, sum: NaN, bounds: [], counts: [] }) },
    ]);
    const { decoded } = roundTrip(batch, Int32Array.from([100, 50, 1000]));
    const d = decoded.columns;
    expect(columnsOf(d)).toEqual(columnsOf(batch));
    expect(Array.from(d.extra.subarray(0, d.extraLength), bitsOf)).toEqual(Array.from(batch.extra.subarray(0, batch.extraLength), bitsOf));
    for (const p of [0, 2, 3]) expect(d.extraOffset[p]).toBe(batch.extraOffset[p]);
    expect(Array.from(decoded.seriesRefs)).toEqual([100, 50, 1000]);
  });

  it('costs a few bytes per point on an OTLP-shaped batch (one point per series, shared timestamp)', () => {
    const rand = mulberry32(7);
    const defs = Array.from({ length: 1000 }, (_, i) => seriesDef({ hashHi: i + 1, hashLo: i }));
    const batch = buildBatch(defs, defs.map((_, i) => ({ series: i, t: 1_700_000_000_000, v: i % 2 === 0 ? Math.round(rand() * 1e6) : Math.round(rand() * 10000) / 100 })));
    const { payload } = roundTrip(batch, Int32Array.from(defs, (_, i) => 5000 + i));
    // Before lz4 (the WAL compresses it further): far below the 41 B of the fixed-width record.
    expect(payload.length / 1000).toBeLessThan(5);
  });

  it('refuses damaged payloads with WAL_CORRUPT instead of reading past them', () => {
    const defs = [seriesDef({ hashHi: 1, hashLo: 1 })];
    const { payload } = roundTrip(buildBatch(defs, [{ series: 0, t: 5, v: 1.5 }, { series: 0, t: 6, v: 2 }]), Int32Array.from([3]));
    expectCairnError(() => decodeSampleRecord(payload.slice(0, payload.length - 2)), ErrorCodes.WAL_CORRUPT);
    const badVersion = payload.slice();
    badVersion[0] = 99;
    expectCairnError(() => decodeSampleRecord(badVersion), ErrorCodes.WAL_CORRUPT, 'version');
    const hugeCount = payload.slice();
    hugeCount[1] = 0xff; // point count varint now runs on into the next byte: an absurd count
    expectCairnError(() => decodeSampleRecord(hugeCount), ErrorCodes.WAL_CORRUPT);
  });
});
