// How a tier cuts a series' pending rows into pages, and pages into extents.
import { describe, expect, it } from 'vitest';
import type { PendingPart } from '../../../src/store/tiers/pending-pages.js';
import { byExtent, cutGroups } from '../../../src/store/tiers/tier-groups.js';

const part = (minT: number, maxT: number, rows: number): PendingPart => ({ bytes: new Uint8Array(rows), minT, maxT, rows, pointsIn: rows });
const shape = (groups: ReturnType<typeof cutGroups>): [number[], boolean][] => groups.map((g) => [g.parts.map((p) => p.minT), g.forward]);

describe('cutGroups', () => {
  it('cuts at page_rows, keeps a bigger part whole and hands everything on when the next tier covers nothing', () => {
    const parts = [part(0, 9, 100), part(10, 19, 100), part(20, 29, 500), part(30, 39, 100), part(40, 49, 100), part(50, 59, 100)];
    expect(shape(cutGroups(7, parts, 0, 240, -Infinity))).toEqual([
      [[0, 10], true],
      [[20], true],
      [[30, 40], true],
      [[50], true],
    ]);
  });

  it('never lets a group straddle what the next tier covers, and hands on only the groups past it', () => {
    const parts = [part(0, 9, 10), part(10, 19, 10), part(20, 29, 10), part(30, 39, 10)];
    expect(shape(cutGroups(7, parts, 0, 240, 19))).toEqual([
      [[0, 10], false],
      [[20, 30], true],
    ]);
    expect(shape(cutGroups(7, parts, 0, 240, 39))).toEqual([[[0, 10, 20, 30], false]]);
  });
});

describe('byExtent', () => {
  it('packs consecutive pages up to the size, a bigger page alone, order kept', () => {
    const pages = [3, 4, 2, 9, 1, 1].map((n, i) => ({ bytes: new Uint8Array(n), i }));
    expect(byExtent(pages, 8).map((run) => run.map((p) => p.i))).toEqual([[0, 1], [2], [3], [4, 5]]);
  });
});
