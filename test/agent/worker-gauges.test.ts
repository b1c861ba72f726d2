import { describe, expect, it } from 'vitest';
import { ReadingWindow, Registry } from '../../src/telemetry/index.js';
import { registerWorkerMetrics } from '../../src/agent/worker-gauges.js';

describe('ReadingWindow', () => {
  it('compares with the newest reading at least a span old, keeping about ten of them', () => {
    const w = new ReadingWindow(10_000, 0, 0);
    expect(w.baseFor(5, 3000)).toEqual({ at: 0, value: 0 }); // just after start: the first reading
    for (let t = 4000; t <= 30_000; t += 1000) w.baseFor(t, t);
    expect(w.baseFor(31_000, 31_000)).toEqual({ at: 21_000, value: 21_000 });
  });

  it('falls back to the previous reading when readings are further apart than the span', () => {
    const w = new ReadingWindow(10_000, 0, 0);
    w.baseFor(1, 60_000);
    expect(w.baseFor(2, 120_000)).toEqual({ at: 60_000, value: 1 });
  });

  it('does not keep readings closer than a tenth of the span', () => {
    const w = new ReadingWindow(10_000, 0, 0);
    for (let t = 1; t <= 10_500; t++) w.baseFor(t, t);
    // Kept: 0, ~1000, ~2000 ...; the base 10 s before 10 500 is the one near 500 or before.
    expect(w.baseFor(10_500, 10_500).at).toBeLessThanOrEqual(500);
  });
});

describe('registerWorkerMetrics', () => {
  it('exports the pool figures, busy seconds summed, and utilization as busy time over the pool capacity', () => {
    let now = 0;
    let busyMs = [0, 0];
    const stats = { size: 2, running: 1, inFlight: 3, queued: 2, crashes: 1 };
    const r = new Registry();
    registerWorkerMetrics(r, { stats: () => ({ ...stats, busyMs }) }, () => now);
    expect(r.value('cairn_workers_max')).toBe(2);
    expect(r.value('cairn_workers_running')).toBe(1);
    expect(r.value('cairn_workers_inflight_requests')).toBe(3);
    expect(r.value('cairn_workers_queue_depth')).toBe(2);
    expect(r.value('cairn_workers_crashes_total')).toBe(1);
    // 10 s later: one worker busy the whole time, the other a quarter: (10 + 2.5) / (10 * 2).
    now = 10_000;
    busyMs = [10_000, 2500];
    expect(r.value('cairn_workers_busy_seconds_total')).toBe(12.5);
    expect(r.value('cairn_workers_utilization')).toBeCloseTo(0.625);
    // The next 10 s idle.
    now = 20_000;
    expect(r.value('cairn_workers_utilization')).toBe(0);
    expect(r.collect().map((s) => s.name)).toEqual([
      'cairn_workers_max',
      'cairn_workers_running',
      'cairn_workers_inflight_requests',
      'cairn_workers_queue_depth',
      'cairn_workers_busy_seconds_total',
      'cairn_workers_crashes_total',
      'cairn_workers_utilization',
    ]);
  });
});
