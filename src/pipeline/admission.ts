import { SharedBudget } from '../model/index.js';

/**
 * A budget of request bytes in flight across all receivers. Receivers take a share before
 * reading or decoding a request and give it back once the answer is sent; past the budget
 * they refuse with their protocol's retryable answer instead of letting memory grow. The
 * counter lives in shared memory: decode workers take what decoding allocates from it too
 * (workers/decode/decode-budget.ts).
 */
export class Admission {
  readonly #budget: SharedBudget;
  refusals = 0;

  constructor(maxBytes: number) {
    this.#budget = new SharedBudget(maxBytes);
  }

  /** The shared counter, for the decode workers. */
  get buffer(): SharedArrayBuffer {
    return this.#budget.buffer;
  }

  get maxBytes(): number {
    return this.#budget.max;
  }

  /** A reload's new limits.max_inflight_bytes; requests in flight keep what they hold. */
  resize(maxBytes: number): void {
    this.#budget.max = maxBytes;
  }

  get inFlightBytes(): number {
    return this.#budget.inFlight;
  }

  /**
   * Takes `bytes` from the budget, or refuses. A request larger than the whole budget is
   * let in when nothing else is in flight, so a small budget slows clients down but never
   * blocks one forever.
   */
  tryAcquire(bytes: number): boolean {
    if (this.#budget.take(bytes, 0, true)) return true;
    this.refusals++;
    return false;
  }

  /**
   * Grows a share of `held` bytes already admitted (a body that inflated when decompressed,
   * a streamed body longer than announced), or refuses; a request alone in flight may grow.
   */
  tryGrow(held: number, bytes: number): boolean {
    if (this.#budget.take(bytes, held, true)) return true;
    this.refusals++;
    return false;
  }

  /** True when nothing more fits: new requests are refused before their body is read. */
  get full(): boolean {
    return this.#budget.inFlight >= this.#budget.max;
  }

  release(bytes: number): void {
    this.#budget.release(bytes);
  }
}
