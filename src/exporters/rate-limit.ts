import { sleep } from './chain/sleep.js';

/**
 * `catch_up_rate`: at most `pointsPerSecond` while a backlog drains (live data, with nothing
 * behind it, is never held back). A token bucket one second deep.
 */
export class CatchUpLimiter {
  readonly #rate: number;
  readonly #now: () => number;
  #tokens: number;
  #at: number;

  constructor(pointsPerSecond: number, now: () => number = Date.now) {
    this.#rate = pointsPerSecond;
    this.#now = now;
    this.#tokens = pointsPerSecond;
    this.#at = now();
  }

  /** Waits until `points` may go; resolves false if the signal aborted the wait. */
  async take(points: number, backlog: boolean, signal: AbortSignal): Promise<boolean> {
    if (this.#rate <= 0) return true;
    const now = this.#now();
    this.#tokens = Math.min(this.#rate, this.#tokens + ((now - this.#at) / 1000) * this.#rate);
    this.#at = now;
    this.#tokens -= points;
    if (!backlog || this.#tokens >= 0) return true;
    return sleep((-this.#tokens / this.#rate) * 1000, signal);
  }
}
