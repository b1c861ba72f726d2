// A sketch never grows past what a rollup page holds per row: a high sketch_compression over a
// long bucket of frequent samples used to give a row more centroids than the page format takes,
// and every write of that tier failed (and was retried) for ever.
import { describe, expect, it } from 'vitest';
import { decodeRollupPage, encodeRollupPage, RollupRows } from '../../../src/store/encoding/index.js';
import { MAX_ROW_CENTROIDS } from '../../../src/store/encoding/rollup-page-format.js';
import { rollupSamples, SketchBuilder } from '../../../src/store/rollup/index.js';
import { mulberry32 } from '../../support/prng.js';

describe('SketchBuilder', () => {
  it('keeps a row within the page limit and the quantiles close, at compression 1000 over 4 h of 1 s samples', () => {
    const rand = mulberry32(7);
    const n = 4 * 3600;
    const times = new Float64Array(n);
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      times[i] = (i + 1) * 1000;
      values[i] = Math.round(rand() * 1e6) / 100;
    }
    const rows = new RollupRows();
    rollupSamples(times, values, n, 4 * 3_600_000, rows, new SketchBuilder(1 / 1000));
    expect(rows.length).toBe(1);
    const centroids = rows.sketchStart[1]! - rows.sketchStart[0]!;
    expect(centroids).toBeGreaterThan(100);
    expect(centroids).toBeLessThanOrEqual(MAX_ROW_CENTROIDS);
    // Same total weight, and it round-trips through a page.
    let weight = 0;
    for (let c = 0; c < centroids; c++) weight += rows.weights[c]!;
    expect(weight).toBe(n);
    const back = decodeRollupPage(encodeRollupPage(rows, 4 * 3_600_000)).rows;
    expect(back.sketchStart[1]).toBe(centroids);
    // The median from the centroids within 1 % of the value range of the true median.
    const sorted = [...values].sort((a, b) => a - b);
    let acc = 0;
    let median = NaN;
    for (let c = 0; c < centroids && Number.isNaN(median); c++) {
      acc += back.weights[c]!;
      if (acc >= n / 2) median = back.means[c]!;
    }
    expect(Math.abs(median - sorted[n / 2]!)).toBeLessThan(100);
  });
});
