import type { SegmentNumber } from './position.js';
import type { SegmentEntry } from './segment-recovery.js';
import type { WalSegmentInfo } from './types.js';

/** Sizes of recently deleted segments, so a reader can tell "read to the end" from "lost". */
const DELETED_SIZES_KEPT = 4096;

/** The WAL's segments in memory, oldest first; the last one is being written. */
export class SegmentTable {
  #entries: SegmentEntry[];
  readonly #deletedSizes = new Map<number, number>();

  constructor(entries: SegmentEntry[]) {
    this.#entries = entries;
  }

  list(): WalSegmentInfo[] {
    return this.#entries.map((e) => ({ segment: e.segment, bytes: e.bytes }));
  }

  get count(): number {
    return this.#entries.length;
  }

  totalBytes(): number {
    return this.#entries.reduce((n, e) => n + e.bytes, 0);
  }

  oldest(): SegmentNumber | null {
    return this.#entries[0]?.segment ?? null;
  }

  /** Readable bytes of a segment, or null if it is not on disk. Binary search: readers ask per record. */
  size(segment: SegmentNumber): number | null {
    let lo = 0;
    let hi = this.#entries.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const e = this.#entries[mid]!;
      if (e.segment === segment) return e.bytes;
      if (e.segment < segment) lo = mid + 1;
      else hi = mid - 1;
    }
    return null;
  }

  deletedSize(segment: SegmentNumber): number | undefined {
    return this.#deletedSizes.get(segment);
  }

  /** The first segment on disk numbered above `segment`, or null. */
  after(segment: SegmentNumber): SegmentNumber | null {
    return this.#entries.find((e) => e.segment > segment)?.segment ?? null;
  }

  /** Segments numbered below `segment`, except `keep`. */
  before(segment: SegmentNumber, keep: SegmentNumber): SegmentNumber[] {
    return this.#entries.filter((e) => e.segment < segment && e.segment !== keep).map((e) => e.segment);
  }

  add(segment: SegmentNumber, bytes: number): void {
    this.#entries.push({ segment, bytes });
  }

  /** The segment being written grew to `bytes`. */
  setCurrentBytes(bytes: number): void {
    this.#entries[this.#entries.length - 1]!.bytes = bytes;
  }

  remove(segment: SegmentNumber): void {
    const i = this.#entries.findIndex((e) => e.segment === segment);
    if (i < 0) return;
    this.#deletedSizes.set(segment, this.#entries[i]!.bytes);
    if (this.#deletedSizes.size > DELETED_SIZES_KEPT) this.#deletedSizes.delete(this.#deletedSizes.keys().next().value!);
    this.#entries.splice(i, 1);
  }
}
