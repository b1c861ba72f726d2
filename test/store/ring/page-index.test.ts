// PageIndex: the one columnar page index (per series chains, times in whole seconds rounded
// outward), checked against a plain model through appends, overlap queries and file drops.
import { describe, expect, it } from 'vitest';
import type { FileNumber, PageLocation } from '../../../src/store/ring/index.js';
import { PageIndex } from '../../../src/store/ring/index.js';
import { Rng } from './ring-fixture.js';

interface ModelPage {
  readonly ref: number;
  readonly minT: number;
  readonly maxT: number;
  readonly location: PageLocation;
}

/** Appends one extent of `pages` ([ref, minT, maxT, length]) to both the index and the model. */
function addExtent(index: PageIndex, model: ModelPage[], file: number, offset: number, pages: readonly (readonly [number, number, number, number])[]): void {
  const rawLength = pages.reduce((n, p) => n + p[3], 0);
  index.beginExtent(file as FileNumber, offset, 100 + rawLength, rawLength);
  let pageOffset = 0;
  for (const [ref, minT, maxT, length] of pages) {
    index.addPage(ref, minT, maxT, pageOffset);
    model.push({ ref, minT, maxT, location: { file: file as FileNumber, extentOffset: offset, extentLength: 100 + rawLength, rawLength, pageOffset, pageLength: length } });
    pageOffset += length;
  }
  index.commitExtent();
}

/** Every query answer must hold each page that truly overlaps, and nothing outside the page's whole seconds. */
function expectOverlaps(index: PageIndex, model: readonly ModelPage[], ref: number, minT: number, maxT: number): void {
  const got = index.overlapping(ref, minT, maxT);
  const mine = model.filter((p) => p.ref === ref);
  const must = mine.filter((p) => p.maxT >= minT && p.minT <= maxT).map((p) => p.location);
  const may = mine.filter((p) => Math.ceil(p.maxT / 1000) * 1000 >= minT && Math.floor(p.minT / 1000) * 1000 <= maxT).map((p) => p.location);
  for (const l of must) expect(got, `ref ${ref} [${minT}, ${maxT}]`).toContainEqual(l);
  for (const l of got) expect(may).toContainEqual(l);
  // Oldest first, as appended.
  expect(got).toEqual(may.filter((l) => got.some((g) => JSON.stringify(g) === JSON.stringify(l))));
  expect(index.hasOverlap(ref, minT, maxT)).toBe(got.length > 0);
}

describe('PageIndex', () => {
  it('finds the pages of a series overlapping a range, bounds inclusive, with exact locations', () => {
    const index = new PageIndex();
    const model: ModelPage[] = [];
    addExtent(index, model, 1, 32, [
      [1, 10_000, 19_999, 40],
      [2, 10_500, 10_900, 7],
      [1, 20_000, 29_999, 13],
    ]);
    addExtent(index, model, 1, 500, [[1, 30_000, 39_000, 9]]);
    expect(index.overlapping(1, 20_000, 20_000)).toEqual([model[0]!.location, model[2]!.location]);
    expect(index.overlapping(1, 30_500, Infinity)).toEqual([model[3]!.location]);
    expect(index.overlapping(1, 40_000, 50_000)).toEqual([]);
    expect(index.overlapping(2, -Infinity, Infinity)).toEqual([model[1]!.location]);
    expect(index.overlapping(3, -Infinity, Infinity)).toEqual([]);
    expect(index.maxT(1)).toBe(39_000);
    expect(index.maxT(2)).toBe(10_900);
    expect(index.maxT(3)).toBe(-Infinity);
    expect(index.pageCount).toBe(4);
    expect(index.maxRef()).toBe(2);
  });

  it('forgets an aborted extent', () => {
    const index = new PageIndex();
    index.beginExtent(1 as FileNumber, 32, 200, 100);
    index.addPage(5, 0, 1000, 0);
    index.abortExtent();
    expect(index.pageCount).toBe(0);
    expect(index.overlapping(5, -Infinity, Infinity)).toEqual([]);
  });

  it('agrees with a model through random appends, queries and drops of old and middle files', () => {
    for (const seed of [1, 2, 3]) {
      const rng = new Rng(seed);
      const index = new PageIndex(64);
      let model: ModelPage[] = [];
      const newestEver = new Map<number, number>();
      let file = 1;
      let t = 1_700_000_000_000;
      const files: number[] = [];
      for (let step = 0; step < 400; step++) {
        const op = rng.next();
        if (op < 0.7 || files.length < 3) {
          if (files.length === 0 || rng.next() < 0.3) files.push(file++);
          const pages = Array.from({ length: rng.int(1, 8) }, () => {
            const ref = rng.next() < 0.9 ? rng.int(0, 40) : rng.int(0, 0xffffffff);
            const minT = t + rng.int(-5_000, 5_000);
            t += rng.int(0, 3_000);
            return [ref, minT, minT + rng.int(0, 10_000), rng.int(0, 50)] as const;
          });
          addExtent(index, model, files.at(-1)!, step * 1000, pages);
          for (const [ref, , maxT] of pages) newestEver.set(ref, Math.max(newestEver.get(ref) ?? -Infinity, maxT));
        } else if (op < 0.85) {
          const victim = files.shift()!;
          expect(index.dropFile(victim as FileNumber)).toBe(model.filter((p) => p.location.file === victim).length);
          model = model.filter((p) => p.location.file !== victim);
        } else if (op < 0.9 && files.length > 2) {
          const victim = files.splice(rng.int(1, files.length - 2), 1)[0]!;
          index.dropFile(victim as FileNumber);
          model = model.filter((p) => p.location.file !== victim);
        } else {
          const ref = rng.int(0, 40);
          const a = t - rng.int(0, 200_000);
          expectOverlaps(index, model, ref, a, a + rng.int(0, 50_000));
        }
        expect(index.pageCount).toBe(model.length);
      }
      for (const ref of new Set(model.map((p) => p.ref))) {
        expectOverlaps(index, model, ref, -Infinity, Infinity);
        // The newest time ever written while any page is left (a dropped newest page does not lower it).
        expect(index.maxT(ref)).toBeGreaterThanOrEqual(Math.max(...model.filter((p) => p.ref === ref).map((p) => p.maxT)));
        expect(index.maxT(ref)).toBeLessThanOrEqual(newestEver.get(ref)!);
      }
      expect(index.refs().sort((a, b) => a - b)).toEqual([...new Set(model.map((p) => p.ref))].sort((a, b) => a - b));
    }
  });

  it('leaves the pages of an extent marked bad out of every query, once', () => {
    const index = new PageIndex();
    const model: ModelPage[] = [];
    addExtent(index, model, 1, 32, [[1, 0, 999, 5]]);
    addExtent(index, model, 1, 200, [
      [1, 1000, 1999, 5],
      [2, 1000, 1999, 5],
    ]);
    expect(index.markBad(1 as FileNumber, 200)).toBe(true);
    expect(index.markBad(1 as FileNumber, 200)).toBe(false);
    expect(index.markBad(1 as FileNumber, 999)).toBe(false);
    expect(index.overlapping(1, -Infinity, Infinity)).toEqual([model[0]!.location]);
    expect(index.hasOverlap(2, -Infinity, Infinity)).toBe(false);
  });
});
