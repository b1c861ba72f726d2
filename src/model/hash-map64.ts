/**
 * A map from 64-bit hashes (two uint32 halves) to values: open addressing with linear
 * probing over typed arrays. A JS Map keyed by a 53-bit number costs ~70 ns per lookup here
 * (the keys are heap numbers); this costs a few. Keys are hashes already, so the low half
 * is the probe start.
 */
export class HashMap64<V> {
  #keys: Uint32Array;
  #slots: Int32Array;
  #values: V[] = [];
  #mask: number;

  constructor(initialCapacity = 1024) {
    let cap = 16;
    while (cap < initialCapacity * 2) cap *= 2;
    this.#keys = new Uint32Array(cap * 2);
    this.#slots = new Int32Array(cap).fill(-1);
    this.#mask = cap - 1;
  }

  get size(): number {
    return this.#values.length;
  }

  get(hi: number, lo: number): V | undefined {
    const keys = this.#keys;
    const slots = this.#slots;
    const mask = this.#mask;
    for (let i = lo & mask; ; i = (i + 1) & mask) {
      const slot = slots[i]!;
      if (slot < 0) return undefined;
      if (keys[2 * i + 1] === lo >>> 0 && keys[2 * i] === hi >>> 0) return this.#values[slot];
    }
  }

  has(hi: number, lo: number): boolean {
    return this.get(hi, lo) !== undefined;
  }

  /** Sets the value; returns false when the key was already present (its value is replaced). */
  set(hi: number, lo: number, value: V): boolean {
    const keys = this.#keys;
    const slots = this.#slots;
    const mask = this.#mask;
    for (let i = lo & mask; ; i = (i + 1) & mask) {
      const slot = slots[i]!;
      if (slot < 0) {
        slots[i] = this.#values.length;
        keys[2 * i] = hi;
        keys[2 * i + 1] = lo;
        this.#values.push(value);
        if (this.#values.length * 2 > slots.length) this.#grow();
        return true;
      }
      if (keys[2 * i + 1] === lo >>> 0 && keys[2 * i] === hi >>> 0) {
        this.#values[slot] = value;
        return false;
      }
    }
  }

  clear(): void {
    this.#slots.fill(-1);
    this.#values = [];
  }

  *values(): IterableIterator<V> {
    yield* this.#values;
  }

  #grow(): void {
    const oldKeys = this.#keys;
    const oldSlots = this.#slots;
    const cap = oldSlots.length * 2;
    this.#keys = new Uint32Array(cap * 2);
    this.#slots = new Int32Array(cap).fill(-1);
    this.#mask = cap - 1;
    for (let j = 0; j < oldSlots.length; j++) {
      const slot = oldSlots[j]!;
      if (slot < 0) continue;
      const hi = oldKeys[2 * j]!;
      const lo = oldKeys[2 * j + 1]!;
      let i = lo & this.#mask;
      while (this.#slots[i]! >= 0) i = (i + 1) & this.#mask;
      this.#slots[i] = slot;
      this.#keys[2 * i] = hi;
      this.#keys[2 * i + 1] = lo;
    }
  }
}
