import { afterEach, describe, expect, it } from 'vitest';
import { registerProcessMetrics } from '../../src/agent/process-gauges.js';
import { Registry } from '../../src/telemetry/index.js';

let stop: (() => void) | undefined;
afterEach(() => {
  stop?.();
  stop = undefined;
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('registerProcessMetrics', () => {
  it('reports memory, CPU, start time and event-loop figures of this process', () => {
    const r = new Registry();
    stop = registerProcessMetrics(r);
    expect(r.value('cairn_process_resident_memory_bytes')).toBeGreaterThan(10 * 1024 * 1024);
    expect(r.value('cairn_process_heap_used_bytes')).toBeGreaterThan(1024 * 1024);
    const cpu = r.value('cairn_process_cpu_seconds_total');
    expect(cpu).toBeGreaterThan(0);
    const start = r.value('cairn_process_start_time_seconds');
    expect(start).toBeLessThanOrEqual(Date.now() / 1000);
    expect(start).toBeGreaterThan(Date.now() / 1000 - process.uptime() - 5);
    expect(r.collect().map((s) => [s.name, s.type])).toEqual([
      ['cairn_process_resident_memory_bytes', 'gauge'],
      ['cairn_process_heap_used_bytes', 'gauge'],
      ['cairn_process_heap_total_bytes', 'gauge'],
      ['cairn_process_external_memory_bytes', 'gauge'],
      ['cairn_process_cpu_seconds_total', 'counter'],
      ['cairn_process_event_loop_utilization', 'gauge'],
      ['cairn_process_event_loop_lag_seconds', 'gauge'],
      ['cairn_process_start_time_seconds', 'gauge'],
    ]);
  });

  it('sees the event loop blocked: lag near the blocked time, utilization up, CPU time spent', async () => {
    const r = new Registry();
    stop = registerProcessMetrics(r);
    const cpuBefore = r.value('cairn_process_cpu_seconds_total');
    expect(r.value('cairn_process_event_loop_lag_seconds')).toBe(0);
    const end = performance.now() + 1500;
    while (performance.now() < end) {
      // Busy: the 1 s probe cannot fire until this ends.
    }
    await sleep(1100); // the late tick, then one on time
    const lag = r.value('cairn_process_event_loop_lag_seconds');
    expect(lag).toBeGreaterThan(0.3);
    expect(lag).toBeLessThan(1.6);
    expect(r.value('cairn_process_event_loop_utilization')).toBeGreaterThan(0.4);
    // The 1.5 s busy loop gets less CPU than wall time on a shared machine; it still gets some.
    expect(r.value('cairn_process_cpu_seconds_total') - cpuBefore).toBeGreaterThan(0.1);
  });
});
