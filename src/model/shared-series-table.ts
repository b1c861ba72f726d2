/**
 * The store's series references by 64-bit identity hash, in shared memory: the main thread
 * (the store) writes, decode workers read, so a worker can write a series' small reference
 * into the WAL record it builds instead of its 8-byte hash. Open addressing with linear
 * probing; a slot's reference (plus one, 0 = empty) is published last with an atomic store,
 * so a reader that sees it also sees the key. The writer grows the table into a new buffer
 * and hands that to the readers; a reader still on the old one only misses the newest series
 * (and sends their definitions again, which the store ignores).
 */
export class SharedSeriesTable {
  readonly buffer: SharedArrayBuffer;
  readonly #keys: Uint32Array;
  readonly #refs: Int32Array;
  readonly #mask: number;
  #count = 0;

  /** A new table of `capacity` slots (a power of two), or a view over one made elsewhere. */
  constructor(source: number | SharedArrayBuffer = 1 << 14) {
    const capacity = typeof source === 'number' ? source : source.byteLength / 12;
    if (!Number.isInteger(capacity) || capacity < 16 || (capacity & (capacity - 1)) !== 0) throw new RangeError(`series table capacity must be a power of two ≥ 16, got ${capacity}`);
    this.buffer = typeof source === 'number' ? new SharedArrayBuffer(capacity * 12) : source;
    this.#keys = new Uint32Array(this.buffer, 0, capacity * 2);
    this.#refs = new Int32Array(this.buffer, capacity * 8, capacity);
    this.#mask = capacity - 1;
  }

  get capacity(): number {
    return this.#mask + 1;
  }

  /** Entries this writer inserted (readers do not count). */
  get size(): number {
    return this.#count;
  }

  /** The reference of the series with this hash, or -1. */
  get(hi: number, lo: number): number {
    const keys = this.#keys;
    const refs = this.#refs;
    const mask = this.#mask;
    hi >>>= 0;
    lo >>>= 0;
    for (let i = lo & mask, probes = 0; probes <= mask; i = (i + 1) & mask, probes++) {
      const r = Atomics.load(refs, i);
      if (r === 0) return -1;
      if (keys[2 * i + 1] === lo && keys[2 * i] === hi) return r - 1;
    }
    return -1;
  }

  /** Writer only. Inserts (or keeps) an entry; false when the table is too full and must grow first. */
  set(hi: number, lo: number, ref: number): boolean {
    if ((this.#count + 1) * 2 > this.capacity) return false;
    const keys = this.#keys;
    const refs = this.#refs;
    const mask = this.#mask;
    hi >>>= 0;
    lo >>>= 0;
    for (let i = lo & mask; ; i = (i + 1) & mask) {
      const r = refs[i]!;
      if (r === 0) {
        keys[2 * i] = hi;
        keys[2 * i + 1] = lo;
        Atomics.store(refs, i, ref + 1);
        this.#count++;
        return true;
      }
      if (keys[2 * i + 1] === lo && keys[2 * i] === hi) {
        Atomics.store(refs, i, ref + 1);
        return true;
      }
    }
  }

  /** Writer only: a table of twice the capacity holding every entry. */
  grown(): SharedSeriesTable {
    const next = new SharedSeriesTable(this.capacity * 2);
    const keys = this.#keys;
    const refs = this.#refs;
    for (let i = 0; i <= this.#mask; i++) {
      const r = refs[i]!;
      if (r !== 0) next.set(keys[2 * i]!, keys[2 * i + 1]!, r - 1);
    }
    return next;
  }
}

/**
 * The writer's side: the current table, grown (into a new shared buffer) when it fills, with
 * the listeners that hand each new buffer to the readers.
 */
export class SeriesRefTable {
  #table: SharedSeriesTable;
  readonly #listeners: ((table: SharedSeriesTable) => void)[] = [];

  constructor(initialCapacity = 1 << 14) {
    this.#table = new SharedSeriesTable(initialCapacity);
  }

  get current(): SharedSeriesTable {
    return this.#table;
  }

  get(hi: number, lo: number): number {
    return this.#table.get(hi, lo);
  }

  set(hi: number, lo: number, ref: number): void {
    if (this.#table.set(hi, lo, ref)) return;
    this.#table = this.#table.grown();
    this.#table.set(hi, lo, ref);
    for (const l of this.#listeners) l(this.#table);
  }

  /** Calls `listener` with every table that replaces the current one. */
  onGrow(listener: (table: SharedSeriesTable) => void): void {
    this.#listeners.push(listener);
  }
}
