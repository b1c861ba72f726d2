/** Rollup pages of one series waiting to be joined into one page of a tier. */
export interface Pending {
  readonly pages: Uint8Array[];
  minT: number;
  maxT: number;
  rows: number;
  bytes: number;
  /** Wall-clock ms the first of them arrived. */
  readonly since: number;
}

/**
 * Per series, the rollup pages a tier has not written yet (each the rows of one lower page,
 * encoded: a few bytes a row). They are joined into one page of `page_rows` rows, so the ring's
 * per-page costs (56 bytes of descriptor and journal) are spread over many rows. Queries read
 * them like written pages.
 */
export class PendingPages {
  readonly #bySeries = new Map<number, Pending>();
  #bytes = 0;

  get bytes(): number {
    return this.#bytes;
  }

  get series(): number {
    return this.#bySeries.size;
  }

  add(ref: number, bytes: Uint8Array, minT: number, maxT: number, rows: number, now: number): void {
    let p = this.#bySeries.get(ref);
    if (p === undefined) this.#bySeries.set(ref, (p = { pages: [], minT, maxT, rows: 0, bytes: 0, since: now }));
    p.pages.push(bytes);
    p.maxT = maxT;
    p.rows += rows;
    p.bytes += bytes.length;
    this.#bytes += bytes.length;
  }

  get(ref: number): Pending | undefined {
    return this.#bySeries.get(ref);
  }

  /** Series due: `rows` or more rows, or waiting since before `olderThan`; all of them with `all`. */
  due(rows: number, olderThan: number, all: boolean): number[] {
    const out: number[] = [];
    for (const [ref, p] of this.#bySeries) if (all || p.rows >= rows || p.since < olderThan) out.push(ref);
    return out;
  }

  /** The series holding the most bytes, to relieve memory. */
  largest(n: number): number[] {
    return [...this.#bySeries.entries()].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, n).map(([ref]) => ref);
  }

  take(ref: number): Pending | undefined {
    const p = this.#bySeries.get(ref);
    if (p === undefined) return undefined;
    this.#bySeries.delete(ref);
    this.#bytes -= p.bytes;
    return p;
  }

  /** Puts pages back in front of any that arrived since (a write that failed). */
  restore(ref: number, p: Pending): void {
    const now = this.#bySeries.get(ref);
    if (now !== undefined) {
      p.pages.push(...now.pages);
      p.maxT = now.maxT;
      p.rows += now.rows;
      p.bytes += now.bytes;
      this.#bytes -= now.bytes;
    }
    this.#bySeries.set(ref, p);
    this.#bytes += p.bytes;
  }
}
