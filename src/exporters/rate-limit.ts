import { sleep } from './sleep.js';

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
    const ms = this.reserve(points, backlog);
    return ms === 0 ? true : sleep(ms, signal);
  }

  /** Takes `points` from the bucket and says how long to wait before sending them (ms). */
  reserve(points: number, backlog: boolean): number {
    if (this.#rate <= 0) return 0;
    const now = this.#now();
    this.#tokens = Math.min(this.#rate, this.#tokens + ((now - this.#at) / 1000) * this.#rate);
    this.#at = now;
    this.#tokens -= points;
    return !backlog || this.#tokens >= 0 ? 0 : (-this.#tokens / this.#rate) * 1000;
  }
}
