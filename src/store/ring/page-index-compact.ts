import type { PageIndexState } from './page-index-state.js';
import { EXTENT_DEAD } from './page-index-state.js';
import { NONE } from './series-chains.js';

/**
 * Moves the live rows and extents down over the dropped prefix (the oldest files, which is what
 * the disk budget deletes): one pass of copies and subtractions, no allocation.
 */
export function compactPrefix(s: PageIndexState): void {
  const base = s.rowBase;
  s.rows.shiftDown(base, s.rowCount);
  s.extents.shiftDown(s.extentBase, s.extentCount);
  s.rowCount -= base;
  s.extentCount -= s.extentBase;
  const { next } = s.rows.cols;
  for (let r = 0; r < s.rowCount; r++) if (next[r] !== NONE) next[r] = next[r]! - base;
  const { firstRow } = s.extents.cols;
  for (let e = 0; e < s.extentCount; e++) firstRow[e] = firstRow[e]! - base;
  s.series.update((head, tail) => [head - base, tail - base]);
  s.rowBase = 0;
  s.extentBase = 0;
}

/**
 * Rebuilds the index without the extents marked dead and the dropped prefix. Only max_age
 * deletes a file while older ones stay (a file holding old pages written late), and rarely, so
 * this may allocate a row map.
 */
export function compactDropping(s: PageIndexState): void {
  const x = s.extents.cols;
  const r = s.rows.cols;
  const oldRows = s.rowCount;
  const newIndex = new Uint32Array(oldRows).fill(NONE);
  let w = 0;
  let we = 0;
  for (let e = 0; e < s.extentCount; e++) {
    // Read before extent `we` (≤ e) is overwritten below.
    const start = x.firstRow[e]!;
    const end = e + 1 < s.extentCount ? x.firstRow[e + 1]! : oldRows;
    if (e < s.extentBase || x.state[e] === EXTENT_DEAD) continue;
    x.file[we] = x.file[e]!;
    x.offset[we] = x.offset[e]!;
    x.length[we] = x.length[e]!;
    x.rawLength[we] = x.rawLength[e]!;
    x.state[we] = x.state[e]!;
    x.firstRow[we++] = w;
    for (let row = start; row < end; row++) newIndex[row] = w++;
  }
  // Relink each chain past its dropped rows, still in old row numbers: a link is only ever
  // written into a row already passed, so the walk reads links not yet rewritten.
  s.series.update((head) => {
    let first = NONE;
    let last = NONE;
    for (let row = head; row !== NONE; ) {
      const following = r.next[row]!;
      if (newIndex[row] !== NONE) {
        if (last === NONE) first = row;
        else r.next[last] = row;
        last = row;
      }
      row = following;
    }
    if (last !== NONE) r.next[last] = NONE;
    return [first, last];
  });
  // Then move rows down: a row only moves to a lower number, one already read.
  for (let row = 0; row < oldRows; row++) {
    const to = newIndex[row]!;
    if (to === NONE) continue;
    r.minS[to] = r.minS[row]!;
    r.maxS[to] = r.maxS[row]!;
    r.pageOffset[to] = r.pageOffset[row]!;
    r.next[to] = r.next[row] === NONE ? NONE : newIndex[r.next[row]!]!;
  }
  s.series.update((head, tail) => [newIndex[head]!, newIndex[tail]!]);
  s.rowCount = w;
  s.extentCount = we;
  s.rowBase = 0;
  s.extentBase = 0;
}
