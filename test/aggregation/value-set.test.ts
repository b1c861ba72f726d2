// The values `quantiles` keeps per group and interval: exact up to EXACT_VALUES (Prometheus'
// quantile), then a t-digest whose answers stay within its rank error and whose snapshot is a
// few hundred centroids, not every value; snapshots restore to the same answers.
import { describe, expect, it } from 'vitest';
import { EXACT_VALUES, ValueSet } from '../../src/aggregation/value-set.js';
import { quantile } from '../../src/query/index.js';
import { mulberry32 } from '../support/prng.js';

const restored = (s: ValueSet): ValueSet => ValueSet.restore(JSON.parse(JSON.stringify(s.snapshot())));

describe('ValueSet', () => {
  it('is exact up to EXACT_VALUES values, NaN and ±Infinity included, through a snapshot', () => {
    const r = mulberry32(1);
    const values = [NaN, Infinity, -Infinity, ...Array.from({ length: EXACT_VALUES - 3 }, () => r() * 100)];
    const set = new ValueSet();
    for (const v of values) set.add(v);
    for (const phi of [0, 0.1, 0.5, 0.99, 1]) {
      expect(set.quantile(phi)).toBe(quantile(phi, [...values]));
      expect(restored(set).quantile(phi)).toBe(set.quantile(phi));
    }
    expect(typeof set.snapshot()).toBe('string');
  });

  it('past EXACT_VALUES keeps a t-digest: bounded, within its rank error, the same after a restore', () => {
    const r = mulberry32(2);
    const n = 200_000;
    const values = Float64Array.from({ length: n }, () => Math.exp(r() * 8));
    const set = new ValueSet();
    for (const v of values) set.add(v);
    const snap = set.snapshot();
    expect(typeof snap).toBe('object');
    // Centroids, 16 bytes each in the snapshot, not 200,000 values.
    expect(JSON.stringify(snap).length).toBeLessThan(64 * 1024);
    const sorted = Float64Array.from(values).sort();
    for (const phi of [0.01, 0.5, 0.9, 0.99]) {
      const got = set.quantile(phi);
      let rank = 0;
      while (rank < n && sorted[rank]! <= got) rank++;
      expect(Math.abs(rank / n - phi), `φ=${phi}`).toBeLessThanOrEqual(4 * 0.01 * phi * (1 - phi) + 0.002);
      expect(restored(set).quantile(phi)).toBeCloseTo(got, 6);
    }
  });
});
