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

  /** Grows a share already admitted (a body that inflated when decompressed). */
  grow(bytes: number): void {
    this.#inFlight += bytes;
  }

  release(bytes: number): void {
    this.#inFlight -= bytes;
    if (this.#inFlight < 0) this.#inFlight = 0;
  }
}
