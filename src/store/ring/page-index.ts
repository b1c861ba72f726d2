import type { FileNumber } from './file-number.js';
import { compactDropping, compactPrefix } from './page-index-compact.js';
import type { PageIndexState } from './page-index-state.js';
import { EXTENT_BAD, EXTENT_DEAD, MAX_U32, newPageIndexState } from './page-index-state.js';
import { NONE } from './series-chains.js';
import type { PageLocation } from './types.js';

/** A page as `pagesOf` lists it: its times rounded outward to whole seconds, and where it is. */
export interface IndexedPage {
  readonly minT: number;
  readonly maxT: number;
  readonly location: PageLocation;
}

/**
 * The one page index of the store, shared by the ring and the querier. The ring fills it from
 * the journals on open and on every append and drops a datafile's pages when it deletes the
 * file; the querier asks which pages of a series overlap a range; the head asks each series'
 * newest written time.
 *
 * Per page 16 bytes: first and last second (rounded outward, so a range check may read one
 * page too many but never misses one), offset in its extent, and the next page of the same
 * series (one chain per series, in append order). What the pages of an extent share (file,
 * offsets, lengths) is kept once per extent; a page's length is where the next page of its
 * extent starts. Per series 16 bytes: chain ends and the exact newest time. A 1 GiB ring of
 * ~200-byte pages (4.7 M pages) costs ~75 MiB, where ten columns cost 48 bytes a page and
 * objects ~190.
 */
export class PageIndex {
  readonly #s: PageIndexState;
  #livePages = 0;
  /** The extent being staged: its rows sit after rowCount until commit. */
  #staged = 0;
  #stageRefs = new Uint32Array(256);
  #stageMinT = new Float64Array(256);
  #stageMaxT = new Float64Array(256);

  /** `capacity`: an estimate of the pages to come (from the journal sizes), so open never grows the columns. */
  constructor(capacity = 4096) {
    this.#s = newPageIndexState(capacity);
  }

  /** Pages indexed (dropped files excluded). */
  get pageCount(): number {
    return this.#livePages;
  }

  /** Starts staging the pages of one extent: `commitExtent` indexes them, `abortExtent` forgets them. */
  beginExtent(file: FileNumber, extentOffset: number, extentLength: number, rawLength: number): void {
    const s = this.#s;
    const e = s.extentCount;
    s.extents.ensure(e, e);
    const x = s.extents.cols;
    x.file[e] = file;
    x.offset[e] = extentOffset;
    x.length[e] = extentLength;
    x.rawLength[e] = rawLength;
    x.firstRow[e] = s.rowCount;
    x.state[e] = 0;
    this.#staged = 0;
  }

  /** A page of the extent being staged, in payload order (`pageOffset` ascending). */
  addPage(seriesRef: number, minT: number, maxT: number, pageOffset: number): void {
    const i = this.#staged++;
    const row = this.#s.rowCount + i;
    this.#s.rows.ensure(row, row);
    if (i === this.#stageRefs.length) this.#growStage();
    const r = this.#s.rows.cols;
    // Second 0 stands for "earlier", MAX_U32 for "later": rounding only ever widens a page.
    r.minS[row] = minT < 1000 ? 0 : Math.min(MAX_U32, Math.floor(minT / 1000));
    r.maxS[row] = maxT < 0 ? 0 : Math.min(MAX_U32, Math.ceil(maxT / 1000));
    r.pageOffset[row] = pageOffset;
    this.#stageRefs[i] = seriesRef;
    this.#stageMinT[i] = minT;
    this.#stageMaxT[i] = maxT;
  }

  /** Indexes the staged pages; returns their exact time range. */
  commitExtent(): { minT: number; maxT: number } {
    const s = this.#s;
    let minT = Infinity;
    let maxT = -Infinity;
    const next = s.rows.cols.next;
    for (let i = 0; i < this.#staged; i++) {
      s.series.link(this.#stageRefs[i]!, s.rowCount + i, this.#stageMaxT[i]!, next);
      if (this.#stageMinT[i]! < minT) minT = this.#stageMinT[i]!;
      if (this.#stageMaxT[i]! > maxT) maxT = this.#stageMaxT[i]!;
    }
    s.rowCount += this.#staged;
    this.#livePages += this.#staged;
    s.extentCount++;
    this.#staged = 0;
    return { minT, maxT };
  }

  abortExtent(): void {
    this.#staged = 0;
  }

  /** Newest sample time written to the pages of `ref` (exact; kept while any of its pages is), -Infinity without pages. */
  maxT(ref: number): number {
    return this.#s.series.maxT(ref);
  }

  /** Where the pages of `ref` that may overlap [minT, maxT] are, oldest first; extents found bad are left out. */
  overlapping(ref: number, minT: number, maxT: number): PageLocation[] {
    const out: PageLocation[] = [];
    this.#walk(ref, minT, maxT, (row, e) => void out.push(this.#location(row, e)));
    return out;
  }

  hasOverlap(ref: number, minT: number, maxT: number): boolean {
    let found = false;
    this.#walk(ref, minT, maxT, () => (found = true));
    return found;
  }

  /** Every page of `ref`, oldest first (tests and tools). */
  pagesOf(ref: number): IndexedPage[] {
    const out: IndexedPage[] = [];
    const { minS, maxS } = this.#s.rows.cols;
    this.#walk(ref, -Infinity, Infinity, (row, e) => void out.push({ minT: minS[row]! * 1000, maxT: maxS[row]! * 1000, location: this.#location(row, e) }));
    return out;
  }

  /** The highest series reference the pages have used (-1 if none): the index hands out new ones above it. */
  maxRef(): number {
    return this.#s.series.maxRef();
  }

  /** Series references with pages, ascending (dense ones first). */
  refs(): number[] {
    return [...this.#s.series.refs()];
  }

  /**
   * Remembers that the extent at (file, offset) failed a check on read, so no query reads it
   * again. True the first time: the caller counts and logs the loss then, once.
   */
  markBad(file: FileNumber, extentOffset: number): boolean {
    const { extents: ex, extentCount } = this.#s;
    const x = ex.cols;
    for (let e = this.#firstExtentOf(file); e < extentCount && x.file[e] === file; e++) {
      if (x.offset[e] !== extentOffset || x.state[e] !== 0) continue;
      x.state[e] = EXTENT_BAD;
      return true;
    }
    return false;
  }

  /** Forgets the pages of a deleted datafile; returns how many it had. */
  dropFile(file: FileNumber): number {
    const s = this.#s;
    const x = s.extents.cols;
    const e0 = this.#firstExtentOf(file);
    let e1 = e0;
    while (e1 < s.extentCount && x.file[e1] === file) e1++;
    if (e0 === e1) return 0;
    const r0 = x.firstRow[e0]!;
    const r1 = e1 < s.extentCount ? x.firstRow[e1]! : s.rowCount;
    this.#livePages -= r1 - r0;
    if (e0 !== s.extentBase) {
      for (let e = e0; e < e1; e++) x.state[e] = EXTENT_DEAD;
      compactDropping(s);
      return r1 - r0;
    }
    // The oldest file (what the budget deletes): chains only lose their first rows.
    const next = s.rows.cols.next;
    s.series.update((head, tail) => {
      if (head >= r1) return null;
      let h = head;
      while (h !== NONE && h < r1) h = next[h]!;
      return h === NONE ? [NONE, NONE] : [h, tail];
    });
    s.rowBase = r1;
    s.extentBase = e1;
    // Shifting everything down is a pass over the index: only once a quarter of it is dead.
    if (s.rowBase > s.rowCount / 4) compactPrefix(s);
    return r1 - r0;
  }

  /** Calls `fn(row, extent)` for the pages of `ref` that may overlap [minT, maxT], until it returns true. */
  #walk(ref: number, minT: number, maxT: number, fn: (row: number, extent: number) => boolean | void): void {
    const { minS, maxS, next } = this.#s.rows.cols;
    const state = this.#s.extents.cols.state;
    let e = this.#s.extentBase;
    for (let row = this.#s.series.head(ref); row !== NONE; row = next[row]!) {
      const lo = minS[row] === 0 ? -Infinity : minS[row]! * 1000;
      const hi = maxS[row] === MAX_U32 ? Infinity : maxS[row]! * 1000;
      if (hi < minT || lo > maxT) continue;
      // The rows of a chain only grow, and so do their extents: search on from the last one.
      e = this.#extentOf(row, e);
      if (state[e] !== 0) continue;
      if (fn(row, e) === true) return;
    }
  }

  /** The extent holding `row`, searching from extent `from` on. */
  #extentOf(row: number, from: number): number {
    const firstRow = this.#s.extents.cols.firstRow;
    let lo = from;
    let hi = this.#s.extentCount - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (firstRow[mid]! <= row) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  #location(row: number, e: number): PageLocation {
    const x = this.#s.extents.cols;
    const r = this.#s.rows.cols;
    const end = e + 1 < this.#s.extentCount ? x.firstRow[e + 1]! : this.#s.rowCount;
    const pageEnd = row + 1 < end ? r.pageOffset[row + 1]! : x.rawLength[e]!;
    return {
      file: x.file[e]! as FileNumber,
      extentOffset: x.offset[e]!,
      extentLength: x.length[e]!,
      rawLength: x.rawLength[e]!,
      pageOffset: r.pageOffset[row]!,
      pageLength: pageEnd - r.pageOffset[row]!,
    };
  }

  /** The first live extent of `file` or of a later file (extents are in file order). */
  #firstExtentOf(file: number): number {
    const files = this.#s.extents.cols.file;
    let lo = this.#s.extentBase;
    let hi = this.#s.extentCount;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (files[mid]! < file) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  #growStage(): void {
    const n = this.#stageRefs.length * 2;
    const refs = new Uint32Array(n);
    refs.set(this.#stageRefs);
    const minT = new Float64Array(n);
    minT.set(this.#stageMinT);
    const maxT = new Float64Array(n);
    maxT.set(this.#stageMaxT);
    this.#stageRefs = refs;
    this.#stageMinT = minT;
    this.#stageMaxT = maxT;
  }
}
