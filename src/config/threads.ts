/**
 * The worker thread count for `workers.threads`: 0 means one less than the
 * number of cores, leaving one for the main thread, but never fewer than 1.
 */
export function resolveThreads(threads: number, cores: number): number {
  return threads === 0 ? Math.max(1, cores - 1) : threads;
}
