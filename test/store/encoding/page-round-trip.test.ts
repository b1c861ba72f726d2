// Property-style round trips over seeded random pages: every timestamp shape × every value
// shape at many sizes decodes to the same timestamps and bit-identical values.
import { describe, expect, it } from 'vitest';
import { MAX_PAGE_POINTS, decodePage, encodePage } from '../../../src/store/encoding/index.js';
import {
  Rng,
  STALE_NAN_BITS,
  TIMESTAMP_SHAPES,
  VALUE_SHAPES,
  firstBitDifference,
  makeTimestamps,
  makeValues,
  setBits,
} from './page-fixtures.js';

function expectRoundTrip(ts: Float64Array, vs: Float64Array, count: number, label: string): Uint8Array {
  const page = encodePage(ts, vs, count);
  const decoded = decodePage(page);
  expect(decoded.count, label).toBe(count);
  expect(decoded.timestamps.length, label).toBe(count);
  expect(decoded.values.length, label).toBe(count);
  expect(firstBitDifference(decoded.timestamps, ts, count), `${label}: timestamps`).toBe(-1);
  expect(firstBitDifference(decoded.values, vs, count), `${label}: values`).toBe(-1);
  return page;
}

describe('encodePage / decodePage round trip', () => {
  it('every timestamp shape × value shape, sizes 1 to ~3000, several seeds', () => {
    const rng = new Rng(101);
    const sizes = [1, 2, 3, 4, 63, 64, 65, 127, 128, 129, 360, 1024];
    let pages = 0;
    for (const tShape of TIMESTAMP_SHAPES) {
      for (const vShape of VALUE_SHAPES) {
        for (const size of [...sizes, 1 + rng.int(3000)]) {
          const ts = makeTimestamps(rng, tShape, size);
          const vs = makeValues(rng, vShape, size);
          expectRoundTrip(ts, vs, size, `${tShape}/${vShape}/${size}`);
          pages++;
        }
      }
    }
    expect(pages).toBeGreaterThan(1000);
  });

  it('many random mixtures: each point drawn from a random shape', () => {
    const rng = new Rng(102);
    for (let round = 0; round < 300; round++) {
      const size = 1 + rng.int(700);
      const ts = makeTimestamps(rng, rng.pick(TIMESTAMP_SHAPES), size);
      const pools = [0, 1, 2].map(() => makeValues(rng, rng.pick(VALUE_SHAPES), size));
      const vs = new Float64Array(size);
      const out = new BigUint64Array(vs.buffer);
      for (let i = 0; i < size; i++) out[i] = new BigUint64Array(rng.pick(pools).buffer)[i]!;
      expectRoundTrip(ts, vs, size, `mixture round ${round}`);
    }
  });

  it('keeps the stale marker, -0 and ±Infinity in otherwise decimal pages', () => {
    const ts = makeTimestamps(new Rng(103), 'regular', 100);
    const vs = Float64Array.from({ length: 100 }, (_, i) => 20 + i / 10);
    setBits(vs, 99, STALE_NAN_BITS);
    vs[0] = -0;
    vs[50] = Infinity;
    vs[51] = -Infinity;
    expectRoundTrip(ts, vs, 100, 'decimal with specials');
    const decoded = decodePage(encodePage(ts, vs, 100));
    expect(new BigUint64Array(decoded.values.buffer)[99]).toBe(STALE_NAN_BITS);
    expect(Object.is(decoded.values[0], -0)).toBe(true);
  });

  it('65,536-point pages (the maximum) of several shapes', () => {
    const rng = new Rng(104);
    for (const [tShape, vShape] of [
      ['regular', 'counter-cpu'],
      ['jittered', 'gauge-decimal'],
      ['irregular', 'random-bits'],
      ['duplicates', 'decimal-with-specials'],
    ] as const) {
      const ts = makeTimestamps(rng, tShape, MAX_PAGE_POINTS);
      const vs = makeValues(rng, vShape, MAX_PAGE_POINTS);
      expectRoundTrip(ts, vs, MAX_PAGE_POINTS, `${tShape}/${vShape}/65536`);
    }
  });

  it('encodes only the first `count` points of longer arrays', () => {
    const rng = new Rng(105);
    const ts = makeTimestamps(rng, 'regular', 50);
    const vs = makeValues(rng, 'gauge-decimal', 50);
    const decoded = decodePage(encodePage(ts, vs, 20));
    expect(decoded.count).toBe(20);
    expect(firstBitDifference(decoded.values, vs, 20)).toBe(-1);
  });

  it('works on subarray views (non-zero byteOffset)', () => {
    const rng = new Rng(106);
    const ts = makeTimestamps(rng, 'jittered', 64);
    const vs = makeValues(rng, 'specials', 64);
    expectRoundTrip(ts.subarray(3), vs.subarray(3), 61, 'subarrays');
  });

  it('does not depend on leftover state from earlier pages', () => {
    const rng = new Rng(107);
    const ts = makeTimestamps(rng, 'jittered', 300);
    const vs = makeValues(rng, 'memory-bytes', 300);
    const first = encodePage(ts, vs, 300);
    for (let i = 0; i < 20; i++) {
      const size = 1 + rng.int(2000);
      encodePage(makeTimestamps(rng, 'irregular', size), makeValues(rng, 'random-bits', size), size);
    }
    expect(encodePage(ts, vs, 300)).toEqual(first);
  });
});
