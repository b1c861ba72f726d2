/**
 * Byte regions for the head's chunks, carved from a few large buffers by size class (64 B to
 * 16 KiB, powers of two), with a free list per class. Thousands of small growing chunks as
 * ArrayBuffers of their own would each cost a backing store and GC bookkeeping; here a chunk
 * is an integer handle: class in the top bits, slot below.
 */
const MIN_SHIFT = 6;
const CLASSES = 9; // 64 B … 16 KiB
const SLAB_BYTES = 1 << 20;
const SLOT_BITS = 24;
const SLOT_MASK = (1 << SLOT_BITS) - 1;

export const NO_REGION = -1;

export class SlabAllocator {
  /** Per class: its slabs, free slots (a stack), slots handed out so far. */
  readonly #slabs: Uint8Array[][] = Array.from({ length: CLASSES }, () => []);
  readonly #free: Int32Array[] = Array.from({ length: CLASSES }, () => new Int32Array(64));
  readonly #freeCount = new Int32Array(CLASSES);
  readonly #used = new Int32Array(CLASSES);
  #bytesInUse = 0;

  /** Largest region a class gives. */
  static readonly MAX_BYTES = 1 << (MIN_SHIFT + CLASSES - 1);

  /** Bytes of the slabs allocated (what the head costs in memory, used or not). */
  get reservedBytes(): number {
    let total = 0;
    for (let c = 0; c < CLASSES; c++) total += this.#slabs[c]!.length * SLAB_BYTES;
    return total;
  }

  /** Bytes of the regions handed out. */
  get bytesInUse(): number {
    return this.#bytesInUse;
  }

  /** A region of at least `bytes` (at most MAX_BYTES). */
  alloc(bytes: number): number {
    let c = 0;
    while (c < CLASSES - 1 && 1 << (MIN_SHIFT + c) < bytes) c++;
    let slot: number;
    if (this.#freeCount[c]! > 0) slot = this.#free[c]![--this.#freeCount[c]!]!;
    else {
      slot = this.#used[c]!++;
      const perSlab = SLAB_BYTES >>> (MIN_SHIFT + c);
      if (slot >= this.#slabs[c]!.length * perSlab) this.#slabs[c]!.push(new Uint8Array(SLAB_BYTES));
    }
    this.#bytesInUse += 1 << (MIN_SHIFT + c);
    return (c << SLOT_BITS) | slot;
  }

  free(handle: number): void {
    const c = handle >>> SLOT_BITS;
    let free = this.#free[c]!;
    if (this.#freeCount[c] === free.length) {
      const bigger = new Int32Array(free.length * 2);
      bigger.set(free);
      this.#free[c] = free = bigger;
    }
    free[this.#freeCount[c]!++] = handle & SLOT_MASK;
    this.#bytesInUse -= 1 << (MIN_SHIFT + c);
  }

  /** Size of a region in bytes. */
  size(handle: number): number {
    return 1 << (MIN_SHIFT + (handle >>> SLOT_BITS));
  }

  /** The slab holding a region (index its bytes from `offset(handle)`). */
  slab(handle: number): Uint8Array {
    const c = handle >>> SLOT_BITS;
    return this.#slabs[c]![(handle & SLOT_MASK) >>> (20 - MIN_SHIFT - c)]!;
  }

  offset(handle: number): number {
    const c = handle >>> SLOT_BITS;
    const shift = MIN_SHIFT + c;
    return ((handle & SLOT_MASK) & ((SLAB_BYTES >>> shift) - 1)) << shift;
  }

  /** The region's bytes as a view (for copying out; the view aliases the slab). */
  view(handle: number, length = this.size(handle)): Uint8Array {
    const at = this.offset(handle);
    return this.slab(handle).subarray(at, at + length);
  }
}
