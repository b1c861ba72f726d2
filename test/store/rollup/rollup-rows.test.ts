// Rollups equal the raw computation: rows from samples, rows joined across page boundaries and
// rows coarsened to the next tier give exactly what Prometheus' rules give on the raw samples.
import { describe, expect, it } from 'vitest';
import { decodeRollupPage, encodeRollupPage, RollupRows } from '../../../src/store/encoding/index.js';
import { rollupSamples, RowMerger } from '../../../src/store/rollup/index.js';
import type { RawSeries, ReferenceRow } from '../../support/rollup-series.js';
import { randomSeries, referenceRows } from '../../support/rollup-series.js';
import { mulberry32 } from '../../support/prng.js';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const KINDS = ['gauge', 'counter', 'bucket'] as const;

/** Rows as the store makes them: per page of random length, then joined by a same-resolution merge. */
function rowsByPages(s: RawSeries, res: number, seed: number): RollupRows {
  const r = mulberry32(seed);
  const merger = new RowMerger();
  const out = new RollupRows();
  merger.begin(out, res, null);
  const parts: RollupRows[] = [];
  for (let at = 0; at < s.timestamps.length; ) {
    const n = Math.min(s.timestamps.length - at, 1 + Math.floor(r() * 400));
    const page = new RollupRows();
    rollupSamples(s.timestamps.subarray(at, at + n), s.values.slice(at, at + n), n, res, page, null);
    parts.push(page);
    at += n;
  }
  for (const p of parts) for (let i = 0; i < p.length; i++) merger.add(p, i);
  merger.finish();
  return out;
}

function expectRowsEqual(rows: RollupRows, ref: ReferenceRow[], exactSums: boolean): void {
  expect(rows.length).toBe(ref.length);
  ref.forEach((e, i) => {
    const got = { end: rows.end[i], count: rows.count[i], endsStale: rows.endsStale[i] };
    expect(got).toEqual({ end: e.end, count: e.count, endsStale: e.endsStale });
    if (e.count === 0) return;
    expect([rows.firstT[i], rows.lastT[i]]).toEqual([e.firstT, e.lastT]);
    for (const k of ['first', 'last', 'min', 'max'] as const) expect(Object.is(rows[k][i], e[k]) || (Number.isNaN(rows[k][i]) && Number.isNaN(e[k]))).toBe(true);
    for (const k of ['sum', 'resets'] as const) {
      const got = rows[k][i]!;
      if (Number.isNaN(e[k])) expect(got).toBeNaN();
      else if (exactSums) expect(got).toBe(e[k]);
      else expect(Math.abs(got - e[k])).toBeLessThanOrEqual(Math.abs(e[k]) * 1e-12);
    }
  });
}

describe('rollup rows', () => {
  for (const kind of KINDS) {
    for (const seed of [1, 2, 3]) {
      const s = randomSeries(seed * 31 + KINDS.indexOf(kind), kind, 5000, 1_700_000_000_000, 10_000);
      const integers = kind !== 'gauge';

      it(`${kind} #${seed}: rows of the whole series equal the raw computation exactly`, () => {
        const rows = new RollupRows();
        rollupSamples(s.timestamps, s.values, s.timestamps.length, MINUTE, rows, null);
        expectRowsEqual(rows, referenceRows(s, MINUTE), true);
      });

      it(`${kind} #${seed}: rows of random pages joined across page boundaries equal them too`, () => {
        // Gauge sums split at a page boundary add two Kahan sums: equal within float rounding, not bit for bit.
        expectRowsEqual(rowsByPages(s, MINUTE, seed), referenceRows(s, MINUTE), integers);
      });

      it(`${kind} #${seed}: 1 min rows merged to 1 h equal 1 h rows of the raw samples`, () => {
        const minute = rowsByPages(s, MINUTE, seed + 100);
        const hour = new RollupRows();
        const merger = new RowMerger();
        merger.begin(hour, HOUR, null);
        for (let i = 0; i < minute.length; i++) merger.add(minute, i);
        merger.finish();
        expectRowsEqual(hour, referenceRows(s, HOUR), integers);
      });

      it(`${kind} #${seed}: rows survive the rollup page codec bit for bit`, () => {
        const rows = rowsByPages(s, MINUTE, seed + 7);
        const back = decodeRollupPage(encodeRollupPage(rows, MINUTE));
        expect(back.resolutionMs).toBe(MINUTE);
        expectRowsEqual(back.rows, referenceRows(s, MINUTE), integers);
      });
    }
  }

  it('a bucket is (k·res, (k+1)·res]: a sample on the boundary closes its bucket', () => {
    const ts = Float64Array.of(60_000, 60_001, 120_000);
    const rows = new RollupRows();
    rollupSamples(ts, Float64Array.of(1, 2, 3), 3, MINUTE, rows, null);
    expect(Array.from(rows.end.subarray(0, rows.length))).toEqual([60_000, 120_000]);
    expect(Array.from(rows.count.subarray(0, rows.length))).toEqual([1, 2]);
  });
});
