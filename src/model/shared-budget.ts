const MAX = 0;
const IN_FLIGHT = 1;

/**
 * The in-flight byte budget in shared memory, so the decode workers can take what decoding
 * allocates (an inflated body, JSON's parse tree, the reply) from the same budget the
 * receivers take request bytes from. 64-bit counters: budgets may pass 2 GiB.
 */
export class SharedBudget {
  readonly buffer: SharedArrayBuffer;
  readonly #w: BigInt64Array;

  constructor(source: SharedArrayBuffer | number) {
    this.buffer = typeof source === 'number' ? new SharedArrayBuffer(16) : source;
    this.#w = new BigInt64Array(this.buffer);
    if (typeof source === 'number') this.max = source;
  }

  get max(): number {
    return Number(Atomics.load(this.#w, MAX));
  }

  set max(bytes: number) {
    Atomics.store(this.#w, MAX, BigInt(bytes));
  }

  get inFlight(): number {
    return Number(Atomics.load(this.#w, IN_FLIGHT));
  }

  /**
   * Takes `bytes` if the total stays within the budget. `alone`: also when nothing but the
   * caller's own `held` bytes is in flight (a request larger than the whole budget is let in
   * alone, so a small budget slows clients but never blocks one forever).
   */
  take(bytes: number, held = 0, alone = false): boolean {
    const w = this.#w;
    const n = whole(bytes);
    const max = Atomics.load(w, MAX);
    for (;;) {
      const current = Atomics.load(w, IN_FLIGHT);
      if (current + n > max && !(alone && current <= whole(held))) return false;
      if (Atomics.compareExchange(w, IN_FLIGHT, current, current + n) === current) return true;
    }
  }

  release(bytes: number): void {
    const w = this.#w;
    const n = whole(bytes);
    for (;;) {
      const current = Atomics.load(w, IN_FLIGHT);
      const next = current - n < 0n ? 0n : current - n;
      if (Atomics.compareExchange(w, IN_FLIGHT, current, next) === current) return;
    }
  }
}

/** Byte counts are whole numbers; a fraction would be a bug of the caller, not a reason to throw in a receiver. */
function whole(bytes: number): bigint {
  return BigInt(Math.round(bytes));
}
