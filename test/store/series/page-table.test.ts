// PageTable: flushed pages per series, overlap lookups, newest time, dropping a datafile.
import { describe, expect, it } from 'vitest';
import type { PageEntry } from '../../../src/store/series/index.js';
import { PageTable } from '../../../src/store/series/index.js';
import { rng } from '../../support/store-units.js';

const page = (minT: number, maxT: number, file: number, location: unknown = `${file}@${minT}`): PageEntry => ({ minT, maxT, count: maxT - minT + 1, file, location });
const spans = (pages: readonly PageEntry[]) => pages.map((p) => [p.minT, p.maxT, p.file]);

describe('PageTable', () => {
  it('finds pages overlapping a range, bounds inclusive, per series', () => {
    const t = new PageTable();
    t.add(1, page(0, 99, 1));
    t.add(1, page(100, 199, 1));
    t.add(1, page(200, 299, 2));
    t.add(2, page(50, 60, 1));
    expect(spans(t.overlapping(1, 99, 100))).toEqual([[0, 99, 1], [100, 199, 1]]);
    expect(spans(t.overlapping(1, 199, 199))).toEqual([[100, 199, 1]]);
    expect(spans(t.overlapping(1, 150, 250))).toEqual([[100, 199, 1], [200, 299, 2]]);
    expect(spans(t.overlapping(1, -Infinity, Infinity))).toEqual([[0, 99, 1], [100, 199, 1], [200, 299, 2]]);
    expect(t.overlapping(1, 300, 400)).toEqual([]);
    expect(t.overlapping(1, -10, -1)).toEqual([]);
    expect(spans(t.overlapping(2, 0, 1000))).toEqual([[50, 60, 1]]);
    expect(t.overlapping(3, 0, 1000)).toEqual([]);
    expect(t.overlapping(1, 0, 0)[0]!.location).toBe('1@0');
    expect(t.pageCount).toBe(4);
  });

  it('keeps pages in time order when they arrive out of order', () => {
    const t = new PageTable();
    const r = rng(7);
    const pages = Array.from({ length: 30 }, (_, i) => page(i * 10, i * 10 + 9, 1 + (i % 3)));
    const shuffled = pages.map((p) => [r(), p] as const).sort((a, b) => a[0] - b[0]).map(([, p]) => p);
    for (const p of shuffled) t.add(5, p);
    expect(spans(t.overlapping(5, -Infinity, Infinity))).toEqual(spans(pages));
    expect(t.maxT(5)).toBe(299);
  });

  it('gives the newest flushed time of a series, -Infinity without pages', () => {
    const t = new PageTable();
    expect(t.maxT(1)).toBe(-Infinity);
    for (let i = 0; i < 10; i++) t.add(1, page(i * 100, i * 100 + 50, 1));
    expect(t.maxT(1)).toBe(950);
    t.add(2, page(5, 5, 1));
    expect(t.maxT(2)).toBe(5);
  });

  it('dropFile removes exactly the entries of that file, across series', () => {
    const t = new PageTable();
    t.add(1, page(0, 9, 1));
    t.add(1, page(10, 19, 2));
    t.add(1, page(20, 29, 1));
    t.add(2, page(0, 9, 1));
    t.add(3, page(0, 9, 2));
    t.add(3, page(10, 19, 3));
    expect(t.pageCount).toBe(6);

    t.dropFile(1);
    expect(t.pageCount).toBe(3);
    expect(spans(t.overlapping(1, -Infinity, Infinity))).toEqual([[10, 19, 2]]);
    expect(t.overlapping(2, -Infinity, Infinity)).toEqual([]);
    expect(spans(t.overlapping(3, -Infinity, Infinity))).toEqual([[0, 9, 2], [10, 19, 3]]);
    expect(t.maxT(1)).toBe(19);
    expect(t.maxT(2)).toBe(-Infinity);

    t.dropFile(1);
    t.dropFile(42);
    expect(t.pageCount).toBe(3);

    t.dropFile(2);
    expect(t.pageCount).toBe(1);
    expect(t.overlapping(1, -Infinity, Infinity)).toEqual([]);
    expect(spans(t.overlapping(3, -Infinity, Infinity))).toEqual([[10, 19, 3]]);
  });

  it('takes pages of a dropped file number again when it is reused', () => {
    const t = new PageTable();
    t.add(1, page(0, 9, 1));
    t.dropFile(1);
    t.add(1, page(100, 109, 1));
    expect(t.pageCount).toBe(1);
    expect(spans(t.overlapping(1, -Infinity, Infinity))).toEqual([[100, 109, 1]]);
    t.dropFile(1);
    expect(t.pageCount).toBe(0);
    expect(t.maxT(1)).toBe(-Infinity);
  });
});
