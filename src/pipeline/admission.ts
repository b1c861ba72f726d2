/**
 * A budget of request bytes in flight across all receivers. Receivers take a share before
 * reading or decoding a request and give it back once the answer is sent; past the budget
 * they refuse with their protocol's retryable answer instead of letting memory grow.
 */
export class Admission {
  readonly maxBytes: number;
  #inFlight = 0;
  refusals = 0;

  constructor(maxBytes: number) {
    this.maxBytes = maxBytes;
  }

  get inFlightBytes(): number {
    return this.#inFlight;
  }

  /**
   * Takes `bytes` from the budget, or refuses. A request larger than the whole budget is
   * let in when nothing else is in flight, so a small budget slows clients down but never
   * blocks one forever.
   */
  tryAcquire(bytes: number): boolean {
    if (this.#inFlight + bytes > this.maxBytes && this.#inFlight > 0) {
      this.refusals++;
      return false;
    }
    this.#inFlight += bytes;
    return true;
  }

  /**
   * Grows a share of `held` bytes already admitted (a body that inflated when decompressed,
   * a streamed body longer than announced), or refuses; a request alone in flight may grow.
   */
  tryGrow(held: number, bytes: number): boolean {
    if (this.#inFlight + bytes > this.maxBytes && this.#inFlight > held) {
      this.refusals++;
      return false;
    }
    this.#inFlight += bytes;
    return true;
  }

  /** True when nothing more fits: new requests are refused before their body is read. */
  get full(): boolean {
    return this.#inFlight >= this.maxBytes;
  }

  release(bytes: number): void {
    this.#inFlight -= bytes;
    if (this.#inFlight < 0) this.#inFlight = 0;
  }
}
