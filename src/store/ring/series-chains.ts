import { Columns } from './page-columns.js';

/** "No row": the end of a chain, or a series without pages. */
export const NONE = 0xffffffff;

/**
 * Series references are dense small integers from 0. One far above those seen so far (a test,
 * a bug) goes to a map instead of sizing the arrays by it; once there, it stays there.
 */
const DENSE_SLACK = 1 << 16;

interface Sparse {
  head: number;
  tail: number;
  maxT: number;
}

/**
 * Per series: the first and last row of its chain of pages in the page index, and the exact
 * newest sample time written to its pages (the head needs it to the millisecond, so replay
 * skips exactly what pages hold). 16 bytes per series reference.
 */
export class SeriesChains {
  readonly #dense = new Columns((n) => ({ head: new Uint32Array(n).fill(NONE), tail: new Uint32Array(n).fill(NONE), maxT: new Float64Array(n).fill(-Infinity) }), 1024);
  readonly #sparse = new Map<number, Sparse>();
  /** Dense references in use: one past the highest seen. */
  #denseUsed = 0;

  head(ref: number): number {
    const dense = ref < this.#denseUsed ? this.#dense.cols.head[ref]! : NONE;
    return dense !== NONE || this.#sparse.size === 0 ? dense : (this.#sparse.get(ref)?.head ?? NONE);
  }

  maxT(ref: number): number {
    if (ref < this.#denseUsed && this.#dense.cols.head[ref] !== NONE) return this.#dense.cols.maxT[ref]!;
    return this.#sparse.get(ref)?.maxT ?? (ref < this.#denseUsed ? this.#dense.cols.maxT[ref]! : -Infinity);
  }

  /** Appends `row` to the chain of `ref`; `next` is the index's link column. */
  link(ref: number, row: number, maxT: number, next: Uint32Array): void {
    next[row] = NONE;
    if (this.#sparse.has(ref) || (ref >= this.#denseUsed && ref > 2 * this.#denseUsed + DENSE_SLACK)) {
      const s = this.#sparse.get(ref);
      if (s === undefined || s.head === NONE) this.#sparse.set(ref, { head: row, tail: row, maxT });
      else {
        next[s.tail] = row;
        s.tail = row;
        if (maxT > s.maxT) s.maxT = maxT;
      }
      return;
    }
    if (ref >= this.#denseUsed) {
      // Filled with NONE/-Infinity at allocation, so only the used length moves.
      this.#dense.ensure(ref, this.#denseUsed);
      this.#denseUsed = ref + 1;
    }
    const { head, tail, maxT: max } = this.#dense.cols;
    if (head[ref] === NONE) head[ref] = row;
    else next[tail[ref]!] = row;
    tail[ref] = row;
    if (maxT > max[ref]!) max[ref] = maxT;
  }

  /**
   * Calls `fn` with the chain ends of every series that has pages; it returns the new ends
   * (NONE, NONE when no page is left) or null for no change. A series keeps its newest time
   * while any page is left, even if the newest page went: a WAL replay must not bring back
   * samples older than what was deleted.
   */
  update(fn: (head: number, tail: number) => [number, number] | null): void {
    const { head, tail, maxT } = this.#dense.cols;
    for (let ref = 0; ref < this.#denseUsed; ref++) {
      if (head[ref] === NONE) continue;
      const changed = fn(head[ref]!, tail[ref]!);
      if (changed === null) continue;
      [head[ref], tail[ref]] = changed;
      if (changed[0] === NONE) maxT[ref] = -Infinity;
    }
    for (const [ref, s] of this.#sparse) {
      const changed = fn(s.head, s.tail);
      if (changed === null) continue;
      [s.head, s.tail] = changed;
      if (s.head === NONE) this.#sparse.delete(ref);
    }
  }

  /** The highest reference ever linked, -1 if none: new series must start above it. */
  maxRef(): number {
    let max = this.#denseUsed - 1;
    for (const ref of this.#sparse.keys()) if (ref > max) max = ref;
    return max;
  }

  /** References with at least one page. */
  *refs(): Generator<number> {
    const { head } = this.#dense.cols;
    for (let ref = 0; ref < this.#denseUsed; ref++) if (head[ref] !== NONE) yield ref;
    for (const [ref, s] of this.#sparse) if (s.head !== NONE) yield ref;
  }
}
