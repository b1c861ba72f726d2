/**
 * Growable typed-array columns sharing one length: the storage under the page index. Growing
 * by half again (not doubling) keeps the spare room of a large index small; the index sizes
 * them from the journals up front, so open itself never grows them.
 */
export type Column = Uint32Array | Float64Array | Uint8Array;

export class Columns<T extends Record<string, Column>> {
  cols: T;
  readonly #make: (capacity: number) => T;
  #capacity: number;

  constructor(make: (capacity: number) => T, capacity: number) {
    this.#make = make;
    this.#capacity = Math.max(16, capacity);
    this.cols = make(this.#capacity);
  }

  get capacity(): number {
    return this.#capacity;
  }

  /** Makes room for index `i` (keeping `used` entries). */
  ensure(i: number, used: number): void {
    if (i < this.#capacity) return;
    let capacity = this.#capacity;
    while (capacity <= i) capacity = Math.ceil(capacity * 1.5);
    const next = this.#make(capacity);
    for (const key of Object.keys(next) as (keyof T)[]) (next[key] as Column).set((this.cols[key] as Column).subarray(0, used));
    this.cols = next;
    this.#capacity = capacity;
  }

  /** Moves entries [from, used) to [0, used - from). */
  shiftDown(from: number, used: number): void {
    for (const key of Object.keys(this.cols) as (keyof T)[]) (this.cols[key] as Column).copyWithin(0, from, used);
  }
}
