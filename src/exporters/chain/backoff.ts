/**
 * Exponential backoff with full jitter: a uniform delay in [0, min(max, initial·2^attempt)],
 * so many agents retrying after one outage spread out instead of arriving together.
 */
export function backoffMs(attempt: number, initialMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}
