// Exponential histogram points as classic cumulative buckets: downscaled exactly to scale 3,
// coarser scales kept, every bound's cumulative count equal to the values at or below it.
import { describe, expect, it } from 'vitest';
import { classicBuckets, MAX_BUCKET_SCALE } from '../../../src/store/flatten/exp-buckets.js';
import { mulberry32 } from '../../support/prng.js';

/** An exponential histogram payload (docs/internal-model.md) of `values` at `scale`. */
function payload(values: number[], scale: number, zeroThreshold = 0): Float64Array {
  const index = (v: number): number => Math.ceil(Math.log2(v) * 2 ** scale) - 1;
  const side = (xs: number[]): number[] => {
    if (xs.length === 0) return [0, 0];
    const idx = xs.map(index);
    const lo = Math.min(...idx);
    const counts = new Array<number>(Math.max(...idx) - lo + 1).fill(0);
    for (const i of idx) counts[i - lo]!++;
    return [lo, counts.length, ...counts];
  };
  const zero = values.filter((v) => Math.abs(v) <= zeroThreshold).length;
  const pos = values.filter((v) => v > zeroThreshold);
  const neg = values.filter((v) => v < -zeroThreshold).map((v) => -v);
  return Float64Array.from([values.length, 0, NaN, NaN, scale, zero, zeroThreshold, ...side(pos), ...side(neg)]);
}

const out = () => ({ bounds: new Float64Array(4), cumulative: new Float64Array(4), length: 0 });

describe('classicBuckets', () => {
  for (const scale of [8, 3, 0, -2]) {
    it(`scale ${scale}: each bound's cumulative count is the number of values at or below it`, () => {
      const r = mulberry32(40 + scale);
      const values = Array.from({ length: 2000 }, () => (r() < 0.1 ? 0 : (r() < 0.2 ? -1 : 1) * Math.exp(r() * 12 - 6)));
      const b = classicBuckets(payload(values, scale), 0, out());
      const used = Math.min(scale, MAX_BUCKET_SCALE);
      for (let i = 0; i < b.length; i++) {
        if (i > 0) expect(b.bounds[i]!).toBeGreaterThan(b.bounds[i - 1]!);
        const le = b.bounds[i]!;
        // Every bound lies on the grid of the scale kept: ±2^(k / 2^scale), or the zero threshold.
        if (le !== 0) expect(Number.isInteger(Math.round(Math.log2(Math.abs(le)) * 2 ** used * 1e6) / 1e6)).toBe(true);
        expect(b.cumulative[i], `le=${le}`).toBe(values.filter((v) => v <= le).length);
      }
      expect(b.cumulative[b.length - 1]).toBe(values.length);
    });
  }

  it('scale 3 bounds are 2^(1/8) apart: a finer point loses no count, only resolution', () => {
    const b = classicBuckets(payload([1.5, 1.6, 1.7, 3], 6), 0, out());
    const bounds = Array.from(b.bounds.subarray(0, b.length));
    expect(bounds[0]).toBe(0);
    for (let i = 2; i < bounds.length; i++) expect(bounds[i]! / bounds[i - 1]!).toBeCloseTo(2 ** (1 / 8), 12);
    expect(b.cumulative[b.length - 1]).toBe(4);
  });

  it('a positive bound under the zero threshold merges into the zero bucket: bounds only increase', () => {
    // Scale 0, zero bucket of 1 up to 3, positive buckets (1, 2] and (2, 4] of 1 each.
    const b = classicBuckets(Float64Array.from([3, 0, NaN, NaN, 0, 1, 3, 0, 2, 1, 1, 0, 0]), 0, out());
    expect(Array.from(b.bounds.subarray(0, b.length))).toEqual([3, 4]);
    expect(Array.from(b.cumulative.subarray(0, b.length))).toEqual([2, 3]);
  });
});
