/**
 * One lower page, encoded — a raw page for tier 1, a rollup page of rows at its resolution for
 * tier 2 — with the raw sample times it covers.
 */
export interface PendingPart {
  readonly bytes: Uint8Array;
  readonly minT: number;
  readonly maxT: number;
  /** Its rows at the tier's resolution (for a raw page, a bound: the buckets its span crosses). */
  readonly rows: number;
  /** Lower-tier points (raw samples, or rows) these rows were made of. */
  readonly pointsIn: number;
}

/** Lower pages of one series waiting to become pages of a tier, oldest first. */
export interface Pending {
  readonly parts: PendingPart[];
  rows: number;
  bytes: number;
  /** Wall-clock ms the first of them arrived. */
  readonly since: number;
}

/**
 * Per series, the lower pages a tier has not rolled up and written yet (about a byte per raw
 * sample, or a few bytes per row). They become pages of about `page_rows` rows, so the ring's
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

  add(ref: number, part: PendingPart, now: number): void {
    let p = this.#bySeries.get(ref);
    if (p === undefined) this.#bySeries.set(ref, (p = { parts: [], rows: 0, bytes: 0, since: now }));
    p.parts.push(part);
    p.rows += part.rows;
    p.bytes += part.bytes.length;
    this.#bytes += part.bytes.length;
  }

  get(ref: number): Pending | undefined {
    return this.#bySeries.get(ref);
  }

  /** Oldest raw sample time the pending rows of `ref` cover (undefined: none). */
  minT(ref: number): number | undefined {
    return this.#bySeries.get(ref)?.parts[0]?.minT;
  }

  /** Newest raw sample time the pending rows of `ref` cover (-Infinity: none). */
  maxT(ref: number): number {
    const parts = this.#bySeries.get(ref)?.parts;
    return parts === undefined || parts.length === 0 ? -Infinity : parts[parts.length - 1]!.maxT;
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

  /** Puts parts back in front of any that arrived since (a write that failed). */
  restore(ref: number, parts: readonly PendingPart[], since: number): void {
    if (parts.length === 0) return;
    const now = this.#bySeries.get(ref);
    this.#bySeries.delete(ref);
    for (const part of parts) this.add(ref, part, since);
    if (now !== undefined) {
      this.#bytes -= now.bytes;
      for (const part of now.parts) this.add(ref, part, since);
    }
  }
}
