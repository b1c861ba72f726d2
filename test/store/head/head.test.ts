// The head: open pages per series, cutting by size and age, hand-over of cut pages, refusals,
// the oldest WAL segment still needed, and reads.
import { describe, expect, it, vi } from 'vitest';
import type { CutPage, HeadOptions } from '../../../src/store/head/index.js';
import { Head } from '../../../src/store/head/index.js';
import { STALE_NAN } from '../../../src/store/flatten/index.js';
import { STALE_BITS } from '../../support/store-units.js';

function head(over: Partial<HeadOptions> = {}): Head {
  return new Head({ pagePoints: 4, pageMaxAgeMs: 1000, flushedMaxT: () => -Infinity, ...over });
}

/** Appends (t, v = t / 10) samples to `ref`, all from WAL segment `segment` at wall time `now`. */
function fill(h: Head, ref: number, times: readonly number[], segment = 1, now = 0): void {
  for (const t of times) expect(h.append(ref, t, t / 10, segment, now)).toBe('ok');
}

/** read() as plain arrays, for readable comparisons (read itself returns typed arrays). */
const plain = (r: { timestamps: Float64Array; values: Float64Array }) => ({ timestamps: Array.from(r.timestamps), values: Array.from(r.values) });
const all = (h: Head, ref: number) => plain(h.read(ref, -Infinity, Infinity));
const shape = (pages: readonly CutPage[]) => pages.map((p) => ({ ref: p.ref, count: p.count, segment: p.segment, timestamps: [...p.timestamps], values: [...p.values] }));

describe('Head: appending and cutting', () => {
  it('accumulates samples per ref without cutting below pagePoints', () => {
    const h = head();
    fill(h, 0, [10, 20, 30]);
    fill(h, 5, [15, 25]);
    expect(all(h, 0)).toEqual({ timestamps: [10, 20, 30], values: [1, 2, 3] });
    expect(all(h, 5)).toEqual({ timestamps: [15, 25], values: [1.5, 2.5] });
    expect(all(h, 3)).toEqual({ timestamps: [], values: [] });
    expect(h.samples).toBe(5);
    expect(h.takeCut()).toEqual([]);
  });

  it('cuts a page exactly when it holds pagePoints samples', () => {
    const h = head();
    fill(h, 2, [1, 2, 3]);
    expect(h.takeCut()).toEqual([]);
    fill(h, 2, [4], 3);
    expect(h.samples).toBe(0);
    expect(shape(h.takeCut())).toEqual([{ ref: 2, count: 4, segment: 1, timestamps: [1, 2, 3, 4], values: [0.1, 0.2, 0.3, 0.4] }]);
    fill(h, 2, [5]);
    expect(h.samples).toBe(1);
    expect(h.takeCut()).toEqual([]);
  });

  it('cuts pages of the configured size over a long run, also above the initial page capacity', () => {
    const h = head({ pagePoints: 200, pageMaxAgeMs: 1e9 });
    fill(h, 0, Array.from({ length: 1000 }, (_, i) => i));
    const pages = h.takeCut();
    expect(pages.map((p) => p.count)).toEqual([200, 200, 200, 200, 200]);
    expect(pages.map((p) => p.timestamps[0])).toEqual([0, 200, 400, 600, 800]);
    expect(h.samples).toBe(0);
  });

  it('cuts before a sample that would make a page span pageMaxAgeMs of data time', () => {
    const h = head();
    fill(h, 0, [100, 1099]);
    expect(h.takeCut()).toEqual([]);
    fill(h, 0, [1100]);
    expect(shape(h.takeCut()).map((p) => p.timestamps)).toEqual([[100, 1099]]);
    expect(all(h, 0).timestamps).toEqual([100, 1099, 1100]);
  });

  it('cutOld cuts pages opened at or before now - pageMaxAgeMs, and every page with all', () => {
    const h = head();
    fill(h, 0, [1], 1, 1000);
    fill(h, 1, [1], 1, 1500);
    fill(h, 0, [2], 1, 1900);
    h.cutOld(1999);
    expect(h.takeCut()).toEqual([]);
    h.cutOld(2000);
    expect(shape(h.takeCut()).map((p) => [p.ref, p.timestamps])).toEqual([[0, [1, 2]]]);
    h.cutOld(2000, true);
    expect(shape(h.takeCut()).map((p) => [p.ref, p.timestamps])).toEqual([[1, [1]]]);
    expect(h.samples).toBe(0);
  });
});

describe('Head: cut pages until written', () => {
  it('keeps taken pages readable until release, and requeue hands them over again', () => {
    const h = head();
    fill(h, 0, [1, 2, 3, 4], 7);
    const taken = h.takeCut();
    expect(h.takeCut()).toEqual([]);
    expect(all(h, 0).timestamps).toEqual([1, 2, 3, 4]);
    expect(h.oldestSegment()).toBe(7);
    h.requeue(taken);
    const again = h.takeCut();
    expect(again).toEqual(taken);
    h.release(again);
    expect(all(h, 0).timestamps).toEqual([]);
    expect(h.oldestSegment()).toBe(Infinity);
  });

  it('releases exactly the pages given', () => {
    const h = head({ pagePoints: 2 });
    fill(h, 0, [1, 2]);
    fill(h, 1, [1, 2]);
    const [a, b] = h.takeCut();
    h.release([a!]);
    expect(all(h, 0).timestamps).toEqual([]);
    expect(all(h, 1).timestamps).toEqual([1, 2]);
    expect(b!.ref).toBe(1);
  });

  // A write fails (disk full) while a newer page of the same series is cut; the failed page is
  // requeued behind it. Queries read the head after written pages and expect time order.
  it('reads in time order after a requeued page lands behind a newer cut page', () => {
    const h = head({ pagePoints: 2 });
    fill(h, 0, [1, 2]);
    const inFlight = h.takeCut();
    fill(h, 0, [3, 4, 5]);
    h.requeue(inFlight);
    expect(all(h, 0).timestamps).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('Head: refusals', () => {
  it('refuses older samples, ignores an exact repeat, flags another value at the same time', () => {
    const h = head();
    expect(h.append(0, 10, 1, 1, 0)).toBe('ok');
    expect(h.append(0, 9, 1, 1, 0)).toBe('out_of_order');
    expect(h.append(0, 10, 1, 1, 0)).toBe('ok');
    expect(h.append(0, 10, 2, 1, 0)).toBe('duplicate');
    expect(all(h, 0)).toEqual({ timestamps: [10], values: [1] });
    expect(h.samples).toBe(1);
  });

  it('treats NaN repeats (stale markers) as equal and tells 0 from -0', () => {
    const h = head();
    expect(h.append(0, 5, STALE_NAN, 1, 0)).toBe('ok');
    expect(h.append(0, 5, NaN, 1, 0)).toBe('ok');
    expect(h.append(0, 5, 1, 1, 0)).toBe('duplicate');
    expect(h.append(1, 5, 0, 1, 0)).toBe('ok');
    expect(h.append(1, 5, -0, 1, 0)).toBe('duplicate');
    expect(h.samples).toBe(2);
  });

  it('still refuses samples older than a page already cut', () => {
    const h = head({ pagePoints: 2 });
    fill(h, 0, [10, 20]);
    h.release(h.takeCut());
    expect(h.append(0, 15, 0, 1, 0)).toBe('out_of_order');
    expect(h.append(0, 20, 2, 1, 0)).toBe('ok');
    expect(h.append(0, 21, 0, 1, 0)).toBe('ok');
  });

  it('asks flushedMaxT once per ref and reports what written pages already hold as written', () => {
    const flushedMaxT = vi.fn((ref: number) => (ref === 3 ? 100 : -Infinity));
    const h = head({ flushedMaxT });
    expect(h.append(3, 50, 1, 1, 0)).toBe('written');
    expect(h.append(3, 100, 7, 1, 0)).toBe('written');
    expect(h.append(3, 101, 1, 1, 0)).toBe('ok');
    expect(h.append(4, -5, 1, 1, 0)).toBe('ok');
    expect(all(h, 3)).toEqual({ timestamps: [101], values: [1] });
    expect(flushedMaxT.mock.calls).toEqual([[3], [4]]);
  });
});

describe('Head: oldest WAL segment', () => {
  it('is the minimum segment over open, cut and pending pages; Infinity when empty', () => {
    const h = head({ pagePoints: 3 });
    expect(h.oldestSegment()).toBe(Infinity);
    fill(h, 0, [1], 9);
    fill(h, 0, [2], 5);
    fill(h, 1, [1], 8);
    expect(h.oldestSegment()).toBe(5);
    fill(h, 0, [3], 12);
    expect(h.oldestSegment()).toBe(5);
    const pending = h.takeCut();
    fill(h, 2, [1, 2, 3], 6);
    expect(h.oldestSegment()).toBe(5);
    h.release(pending);
    expect(h.oldestSegment()).toBe(6);
    h.release(h.takeCut());
    expect(h.oldestSegment()).toBe(8);
    h.cutOld(0, true);
    h.release(h.takeCut());
    expect(h.oldestSegment()).toBe(Infinity);
  });
});

describe('Head: read', () => {
  it('returns exactly the samples in [minT, maxT] across pending, cut and open pages, in time order', () => {
    const h = head({ pagePoints: 3, pageMaxAgeMs: 1e9 });
    const times = [1, 2, 3, 4, 5, 6, 7, 8];
    fill(h, 0, times.slice(0, 3));
    h.takeCut();
    fill(h, 0, times.slice(3));
    for (const [minT, maxT] of [[-Infinity, Infinity], [2, 7], [3, 3], [3.5, 4], [9, 20], [-5, 0], [8, 8]] as const) {
      const expected = times.filter((t) => t >= minT && t <= maxT);
      expect(plain(h.read(0, minT, maxT)), `[${minT}, ${maxT}]`).toEqual({ timestamps: expected, values: expected.map((t) => t / 10) });
      expect(h.has(0, minT, maxT)).toBe(expected.length > 0);
    }
  });

  it('returns a stale marker with its exact bits', () => {
    const h = head();
    h.append(0, 1, 1, 1, 0);
    h.append(0, 2, STALE_NAN, 1, 0);
    const got = h.read(0, -Infinity, Infinity).values;
    expect(new BigUint64Array(got.buffer, got.byteOffset, got.length)[1]).toBe(STALE_BITS);
  });
});
