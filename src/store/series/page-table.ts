/** Where one flushed page of a series is, and what it covers. */
export interface PageEntry {
  readonly minT: number;
  readonly maxT: number;
  readonly count: number;
  readonly file: number;
  readonly location: unknown;
}

/**
 * Per series, its flushed pages in time order; per datafile, which series have pages there,
 * so deleting the oldest datafile drops exactly its entries.
 */
export class PageTable {
  readonly #bySeries = new Map<number, PageEntry[]>();
  readonly #seriesByFile = new Map<number, Set<number>>();
  #pages = 0;

  get pageCount(): number {
    return this.#pages;
  }

  add(ref: number, entry: PageEntry): void {
    let list = this.#bySeries.get(ref);
    if (list === undefined) this.#bySeries.set(ref, (list = []));
    // Pages arrive in time order per series; keep the list sorted if one does not.
    if (list.length > 0 && list[list.length - 1]!.minT > entry.minT) {
      list.push(entry);
      list.sort((a, b) => a.minT - b.minT);
    } else list.push(entry);
    let refs = this.#seriesByFile.get(entry.file);
    if (refs === undefined) this.#seriesByFile.set(entry.file, (refs = new Set()));
    refs.add(ref);
    this.#pages++;
  }

  /** Pages of `ref` overlapping [minT, maxT]. */
  overlapping(ref: number, minT: number, maxT: number): PageEntry[] {
    const list = this.#bySeries.get(ref);
    if (list === undefined) return [];
    return list.filter((p) => p.maxT >= minT && p.minT <= maxT);
  }

  /** Newest flushed timestamp of a series, or -Infinity. */
  maxT(ref: number): number {
    const list = this.#bySeries.get(ref);
    return list === undefined || list.length === 0 ? -Infinity : Math.max(...list.slice(-4).map((p) => p.maxT));
  }

  dropFile(file: number): void {
    const refs = this.#seriesByFile.get(file);
    if (refs === undefined) return;
    for (const ref of refs) {
      const list = this.#bySeries.get(ref)!;
      const kept = list.filter((p) => p.file !== file);
      this.#pages -= list.length - kept.length;
      if (kept.length === 0) this.#bySeries.delete(ref);
      else this.#bySeries.set(ref, kept);
    }
    this.#seriesByFile.delete(file);
  }
}
