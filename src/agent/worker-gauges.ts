import type { WorkerPoolStats } from '../workers/index.js';
import type { Registry } from '../telemetry/index.js';
import { ReadingWindow } from '../telemetry/index.js';

/** What the worker pool reports (its `stats()`). */
export interface WorkerPoolReadings {
  stats(): WorkerPoolStats;
}

const UTILIZATION_SPAN_MS = 10_000;

/** The worker pool's figures as the agent's own metrics. */
export function registerWorkerMetrics(registry: Registry, pool: WorkerPoolReadings, now: () => number = () => performance.now()): void {
  const busyMs = (): number => pool.stats().busyMs.reduce((a, b) => a + b, 0);
  const window = new ReadingWindow(UTILIZATION_SPAN_MS, busyMs(), now());
  registry.gauge('cairn_workers_max', 'Worker threads the pool may run (workers.threads).', () => pool.stats().size);
  registry.gauge('cairn_workers_running', 'Worker threads running now (idle ones are stopped and started again on demand).', () => pool.stats().running);
  registry.gauge('cairn_workers_inflight_requests', 'Requests queued or running in workers.', () => pool.stats().inFlight);
  registry.gauge('cairn_workers_queue_depth', 'Requests waiting behind another one in a worker (in flight beyond one per running worker).', () => pool.stats().queued);
  registry.counterFunc('cairn_workers_busy_seconds_total', 'Seconds workers spent with at least one request in flight, summed over workers.', () => busyMs() / 1000);
  registry.counterFunc('cairn_workers_crashes_total', 'Workers that exited unexpectedly and were replaced (idle stops are not counted).', () => pool.stats().crashes);
  registry.gauge(
    'cairn_workers_utilization',
    'Busy fraction of the pool: worker busy seconds over wall seconds times cairn_workers_max, over the last 10 s (since the previous reading when that is longer ago).',
    () => {
      const at = now();
      const busy = busyMs();
      const base = window.baseFor(busy, at);
      const capacity = (at - base.at) * pool.stats().size;
      return capacity > 0 ? Math.min(1, Math.max(0, (busy - base.value) / capacity)) : 0;
    },
  );
}
