import type { FileNumber } from './file-number.js';
import type { PageLocation, PageMeta } from './types.js';

/**
 * Every page of the ring, as columns: a ring of 1 GiB holds ~5 M pages of ~200 bytes, and
 * 5 M `{ meta, location }` object triples would cost ~1 GB of heap where these columns cost 48
 * bytes a page. Row i is the i-th page in file, then extent, then page order (= append order).
 */
export class PageTable implements Iterable<{ meta: PageMeta; location: PageLocation }> {
  readonly length: number;
  readonly seriesRef: Uint32Array;
  readonly minT: Float64Array;
  readonly maxT: Float64Array;
  readonly count: Uint32Array;
  readonly file: Uint32Array;
  readonly extentOffset: Uint32Array;
  readonly extentLength: Uint32Array;
  readonly rawLength: Uint32Array;
  readonly pageOffset: Uint32Array;
  readonly pageLength: Uint32Array;

  constructor(columns: Columns, length: number) {
    this.length = length;
    this.seriesRef = fit(columns.seriesRef, length);
    this.minT = fit(columns.minT, length);
    this.maxT = fit(columns.maxT, length);
    this.count = fit(columns.count, length);
    this.file = fit(columns.file, length);
    this.extentOffset = fit(columns.extentOffset, length);
    this.extentLength = fit(columns.extentLength, length);
    this.rawLength = fit(columns.rawLength, length);
    this.pageOffset = fit(columns.pageOffset, length);
    this.pageLength = fit(columns.pageLength, length);
  }

  meta(i: number): PageMeta {
    this.#check(i);
    return { seriesRef: this.seriesRef[i]!, minT: this.minT[i]!, maxT: this.maxT[i]!, count: this.count[i]! };
  }

  location(i: number): PageLocation {
    this.#check(i);
    return {
      file: this.file[i]! as FileNumber,
      extentOffset: this.extentOffset[i]!,
      extentLength: this.extentLength[i]!,
      rawLength: this.rawLength[i]!,
      pageOffset: this.pageOffset[i]!,
      pageLength: this.pageLength[i]!,
    };
  }

  *[Symbol.iterator](): Iterator<{ meta: PageMeta; location: PageLocation }> {
    for (let i = 0; i < this.length; i++) yield { meta: this.meta(i), location: this.location(i) };
  }

  #check(i: number): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.length) throw new RangeError(`page ${i} out of range [0, ${this.length})`);
  }
}

interface Columns {
  seriesRef: Uint32Array;
  minT: Float64Array;
  maxT: Float64Array;
  count: Uint32Array;
  file: Uint32Array;
  extentOffset: Uint32Array;
  extentLength: Uint32Array;
  rawLength: Uint32Array;
  pageOffset: Uint32Array;
  pageLength: Uint32Array;
}

/**
 * A view when the column is nearly full (the builder was sized from the journals), a copy when a
 * view would pin much unused memory. Copying 5 M rows costs ~140 ms of a ~800 ms open.
 */
function fit<T extends Uint32Array | Float64Array>(column: T, length: number): T {
  return (column.length - length <= column.length / 8 ? column.subarray(0, length) : column.slice(0, length)) as T;
}

function allocate(capacity: number): Columns {
  return {
    seriesRef: new Uint32Array(capacity),
    minT: new Float64Array(capacity),
    maxT: new Float64Array(capacity),
    count: new Uint32Array(capacity),
    file: new Uint32Array(capacity),
    extentOffset: new Uint32Array(capacity),
    extentLength: new Uint32Array(capacity),
    rawLength: new Uint32Array(capacity),
    pageOffset: new Uint32Array(capacity),
    pageLength: new Uint32Array(capacity),
  };
}

/**
 * Collects pages while journals are parsed, without an object per page. `length` may be set
 * back to drop the pages of an extent found invalid halfway.
 */
export class PageTableBuilder {
  #columns: Columns;
  #capacity: number;
  #file = 0;
  #extentOffset = 0;
  #extentLength = 0;
  #rawLength = 0;
  length = 0;

  /** `capacity`: an estimate of the rows to come; growing 5 M rows by doubling costs ~200 ms. */
  constructor(capacity = 4096) {
    this.#capacity = Math.max(16, capacity);
    this.#columns = allocate(this.#capacity);
  }

  /** The extent the following `addPage` calls belong to. */
  beginExtent(file: FileNumber, extentOffset: number, extentLength: number, rawLength: number): void {
    this.#file = file;
    this.#extentOffset = extentOffset;
    this.#extentLength = extentLength;
    this.#rawLength = rawLength;
  }

  addPage(seriesRef: number, minT: number, maxT: number, count: number, pageOffset: number, pageLength: number): void {
    if (this.length === this.#capacity) this.#grow();
    const c = this.#columns;
    const i = this.length++;
    c.seriesRef[i] = seriesRef;
    c.minT[i] = minT;
    c.maxT[i] = maxT;
    c.count[i] = count;
    c.file[i] = this.#file;
    c.extentOffset[i] = this.#extentOffset;
    c.extentLength[i] = this.#extentLength;
    c.rawLength[i] = this.#rawLength;
    c.pageOffset[i] = pageOffset;
    c.pageLength[i] = pageLength;
  }

  /** Smallest minT and largest maxT of the pages from row `from` on (+∞ and -∞ when there are none). */
  timeRange(from: number): { minT: number; maxT: number } {
    const c = this.#columns;
    let minT = Number.POSITIVE_INFINITY;
    let maxT = Number.NEGATIVE_INFINITY;
    for (let i = from; i < this.length; i++) {
      if (c.minT[i]! < minT) minT = c.minT[i]!;
      if (c.maxT[i]! > maxT) maxT = c.maxT[i]!;
    }
    return { minT, maxT };
  }

  build(): PageTable {
    return new PageTable(this.#columns, this.length);
  }

  #grow(): void {
    const old = this.#columns;
    this.#capacity *= 2;
    const next = allocate(this.#capacity);
    next.seriesRef.set(old.seriesRef);
    next.minT.set(old.minT);
    next.maxT.set(old.maxT);
    next.count.set(old.count);
    next.file.set(old.file);
    next.extentOffset.set(old.extentOffset);
    next.extentLength.set(old.extentLength);
    next.rawLength.set(old.rawLength);
    next.pageOffset.set(old.pageOffset);
    next.pageLength.set(old.pageLength);
    this.#columns = next;
  }
}
