// WAL record payloads (docs/format/wal.md "Record payloads"): sample batches and definitions.
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../../src/errors/index.js';
import type { Batch, BatchColumns } from '../../../src/model/index.js';
import { PointFlag } from '../../../src/model/index.js';
import { decodeBatch, decodeDefinitions, encodeBatch, encodeDefinitions } from '../../../src/store/records/batch-record.js';
import { STALE_NAN } from '../../../src/store/flatten/index.js';
import type { PointSpec } from '../../support/store-units.js';
import { buildBatch, expectCairnError, expHistogramExtra, histogramExtra, rng, seriesDef, STALE_BITS, summaryExtra } from '../../support/store-units.js';

const { NO_RECORDED_VALUE, INT, COMPOUND } = PointFlag;
const CORRUPT = ErrorCodes.WAL_CORRUPT;

/** The meaningful prefix of every column, as plain arrays (NaN compares equal in toEqual). */
function columns(b: BatchColumns) {
  const n = b.pointCount;
  return {
    pointCount: n,
    seriesCount: b.seriesCount,
    extraLength: b.extraLength,
    seriesHashes: [...b.seriesHashes.subarray(0, 2 * b.seriesCount)],
    series: [...b.series.subarray(0, n)],
    timeMs: [...b.timeMs.subarray(0, n)],
    startMs: [...b.startMs.subarray(0, n)],
    values: [...b.values.subarray(0, n)],
    flags: [...b.flags.subarray(0, n)],
    extraOffset: [...b.extraOffset.subarray(0, n)],
    extra: [...b.extra.subarray(0, b.extraLength)],
  };
}

const align8 = (n: number) => Math.ceil(n / 8) * 8;
const sizeOf = (n: number, s: number, e: number) => align8(16 + 8 * s + 4 * n) + 29 * n + 8 * e;

const DEFS = [
  seriesDef({ hashHi: 0xffffffff, hashLo: 0 }),
  seriesDef({ hashHi: 0x12345678, hashLo: 0x9abcdef0 }),
  seriesDef({ hashHi: 0, hashLo: 0xffffffff }),
];

/** A batch of every kind and flag: gauges (one an integer, one stale), a histogram, an exponential histogram, a summary. */
function mixedBatch(): Batch {
  return buildBatch(DEFS, [
    { series: 0, t: 1_700_000_000_123, v: 1.5, start: 1_699_999_000_000 },
    { series: 1, t: 1_700_000_000_124, v: -42, flags: INT },
    { series: 0, t: 1_700_000_000_125, v: STALE_NAN, flags: NO_RECORDED_VALUE },
    { series: 2, t: 1_700_000_000_126, extra: histogramExtra({ count: 10, sum: 3.5, min: 0.01, max: 2, bounds: [0.1, 0.5, 1], counts: [1, 2, 3, 4] }) },
    { series: 2, t: 1_700_000_000_127, extra: expHistogramExtra(12, 340), start: 5 },
    { series: 1, t: 1_700_000_000_128, extra: summaryExtra(4, 100, [[0.5, 20], [1, 45]]), flags: COMPOUND | INT },
    { series: 2, t: 1_700_000_000_129, v: NaN, flags: NO_RECORDED_VALUE },
  ]);
}

describe('encodeBatch / decodeBatch', () => {
  it('round-trips every column of a mixed batch whose arrays are longer than pointCount', () => {
    const batch = mixedBatch();
    expect(batch.timeMs.length).toBeGreaterThan(batch.pointCount);
    const bytes = encodeBatch(batch);
    expect(bytes.length).toBe(sizeOf(7, 3, batch.extraLength));
    const back = decodeBatch(bytes);
    expect(columns(back)).toEqual(columns(batch));
    expect(back.timeMs.length).toBe(7);
    expect(back.extra.length).toBe(batch.extraLength);
    expect(back.definitions).toEqual([]);
    expect(new BigUint64Array(back.values.buffer, back.values.byteOffset, 7)[2]).toBe(STALE_BITS);
  });

  it('round-trips zero points, with and without series', () => {
    for (const defs of [[], DEFS]) {
      const batch = buildBatch(defs, []);
      const bytes = encodeBatch(batch);
      expect(bytes.length).toBe(16 + 8 * defs.length);
      expect(columns(decodeBatch(bytes))).toEqual(columns(batch));
    }
  });

  it('round-trips every small combination of point, series and extra counts (alignment)', () => {
    const r = rng(11);
    for (let s = 1; s <= 3; s++) {
      for (let n = 0; n <= 9; n++) {
        const points: PointSpec[] = Array.from({ length: n }, (_, i) => {
          const series = Math.floor(r() * s);
          return r() < 0.3 ? { series, t: i, extra: Array.from({ length: 1 + Math.floor(r() * 3) }, () => r()) } : { series, t: i * 1.5, v: r() * 1e6, flags: r() < 0.5 ? INT : 0 };
        });
        const batch = buildBatch(DEFS.slice(0, s), points);
        const bytes = encodeBatch(batch);
        expect(bytes.length, `n=${n} s=${s}`).toBe(sizeOf(n, s, batch.extraLength));
        expect(columns(decodeBatch(bytes)), `n=${n} s=${s}`).toEqual(columns(batch));
      }
    }
  });

  it('decodes a payload sitting at an odd offset of a larger buffer', () => {
    const bytes = encodeBatch(mixedBatch());
    const host = new Uint8Array(bytes.length + 13);
    host.set(bytes, 5);
    expect(columns(decodeBatch(host.subarray(5, 5 + bytes.length)))).toEqual(columns(mixedBatch()));
  });

  it('lays the payload out as documented (n=3, s=2, e=5: A = 48)', () => {
    const batch = buildBatch(DEFS.slice(0, 2), [
      { series: 1, t: 1000, v: 1.25, start: 500, flags: INT },
      { series: 0, t: 2000, extra: [7, 8, 9, 10, 11] },
      { series: 1, t: 3000, v: NaN, flags: NO_RECORDED_VALUE },
    ]);
    const bytes = encodeBatch(batch);
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    expect([v.getUint32(0, true), v.getUint32(4, true), v.getUint32(8, true), v.getUint32(12, true)]).toEqual([3, 2, 5, 0]);
    expect([v.getUint32(16, true), v.getUint32(20, true), v.getUint32(24, true), v.getUint32(28, true)]).toEqual([0xffffffff, 0, 0x12345678, 0x9abcdef0]);
    expect([v.getUint32(32, true), v.getUint32(36, true), v.getUint32(40, true)]).toEqual([1, 0, 1]);
    expect([...bytes.subarray(44, 48)]).toEqual([0, 0, 0, 0]);
    expect([v.getFloat64(48, true), v.getFloat64(56, true), v.getFloat64(64, true)]).toEqual([1000, 2000, 3000]);
    expect([v.getFloat64(72, true), v.getFloat64(80, true), v.getFloat64(88, true)]).toEqual([500, 0, 0]);
    expect([v.getFloat64(96, true), v.getFloat64(104, true), v.getFloat64(112, true)]).toEqual([1.25, 7, NaN]);
    expect([120, 128, 136, 144, 152].map((o) => v.getFloat64(o, true))).toEqual([7, 8, 9, 10, 11]);
    expect([v.getUint32(160, true), v.getUint32(164, true), v.getUint32(168, true)]).toEqual([0, 0, 0]);
    expect([...bytes.subarray(172, 175)]).toEqual([INT, COMPOUND, NO_RECORDED_VALUE]);
    expect(bytes.length).toBe(175);
  });

  it('stores the offset of each compound payload', () => {
    const batch = buildBatch(DEFS.slice(0, 1), [
      { series: 0, t: 1, extra: [1, 2] },
      { series: 0, t: 2, v: 3 },
      { series: 0, t: 3, extra: [4, 5, 6] },
    ]);
    const bytes = encodeBatch(batch);
    const at = align8(16 + 8 + 12) + 24 * 3 + 8 * 5;
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    expect([0, 1, 2].map((i) => v.getUint32(at + 4 * i, true))).toEqual([0, 0, 2]);
  });
});

describe('decodeBatch on malformed payloads', () => {
  const good = encodeBatch(mixedBatch());
  const withHeader = (i: number, value: number) => {
    const b = good.slice();
    new DataView(b.buffer).setUint32(i, value, true);
    return b;
  };

  it.each([
    ['empty', new Uint8Array(0)],
    ['shorter than the header', good.slice(0, 15)],
    ['header only', good.slice(0, 16)],
    ['one byte short', good.slice(0, good.length - 1)],
    ['one byte long', new Uint8Array([...good, 0])],
    ['n one too many', withHeader(0, 8)],
    ['n one too few', withHeader(0, 6)],
    ['s one too many', withHeader(4, 4)],
    ['e one too few', withHeader(8, mixedBatch().extraLength - 1)],
    ['n huge', withHeader(0, 0xffffffff)],
    ['e huge', withHeader(8, 0xffffffff)],
  ])('throws CAIRN_ERR_WAL_CORRUPT when %s', (_, bytes) => {
    expectCairnError(() => decodeBatch(bytes), CORRUPT);
  });

  // s = 2^28 puts 16 + 8s past 2^31, where a 32-bit align8 wraps negative; e is then chosen so
  // the wrapped size equals the real 64 bytes and the length check passes.
  it('throws CAIRN_ERR_WAL_CORRUPT, not a RangeError, when n, s, e overflow 32-bit arithmetic', () => {
    const bytes = new Uint8Array(64);
    const v = new DataView(bytes.buffer);
    v.setUint32(0, 0, true);
    v.setUint32(4, 2 ** 28, true);
    v.setUint32(8, (64 + 2 ** 31 - 16) / 8, true);
    expectCairnError(() => decodeBatch(bytes), CORRUPT);
  });
});

describe('encodeDefinitions / decodeDefinitions', () => {
  const defs = [
    seriesDef({ hashHi: 0xdeadbeef, hashLo: 1, name: 'http.server.duration', kind: 'histogram', temporality: 'cumulative', unit: 's', description: 'Duration "of" requests.\n', resource: [['service.name', 'ünï ✓']], scopeName: 'sc', scopeVersion: '1', attributes: [['a', ''], ['b', '{"json":1}']] }),
    seriesDef({ hashHi: 0, hashLo: 0xffffffff, kind: 'sum', temporality: 'delta', monotonic: true }),
  ];

  it('round-trips definitions exactly as UTF-8 JSON', () => {
    const bytes = encodeDefinitions(defs);
    expect(decodeDefinitions(bytes)).toEqual(defs);
    expect(JSON.parse(Buffer.from(bytes).toString('utf8'))).toEqual(defs);
    expect(decodeDefinitions(encodeDefinitions([]))).toEqual([]);
  });

  it('decodes from a view inside a larger buffer', () => {
    const bytes = encodeDefinitions(defs);
    const host = new Uint8Array(bytes.length + 10).fill(0x20);
    host.set(bytes, 3);
    host[1] = 0x7b;
    expect(decodeDefinitions(host.subarray(3, 3 + bytes.length))).toEqual(defs);
  });

  it.each([
    ['truncated JSON', encodeDefinitions(defs).subarray(0, 20)],
    ['empty', new Uint8Array(0)],
    ['not JSON', Buffer.from('\x00\x01garbage')],
  ])('throws CAIRN_ERR_WAL_CORRUPT on %s', (_, bytes) => {
    expectCairnError(() => decodeDefinitions(bytes), CORRUPT, 'definitions record');
  });
});
