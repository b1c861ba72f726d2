// A span the WAL lost over budget is re-sent from the store's pages, whatever clocks the
// sources run at (within ten minutes of each other): every series gets exactly its own missing
// samples, once.
import { afterEach, expect, it } from 'vitest';
import { FakeUpstream } from '../support/fake-upstream.js';
import { appendGauges, recordingLogger, startExporter } from '../support/exporter-harness.js';
import { startDiskStore } from '../support/disk-store.js';
import { tempDir } from '../support/store-units.js';
import { eventually } from '../support/store-agent.js';

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

it('re-sends the lost span for sources five minutes apart, nothing missing, nothing twice', async () => {
  const upstream = await FakeUpstream.start();
  let down = true;
  upstream.script = () => (down ? { status: 503 } : { status: 204 });
  // 4 MiB budget: the WAL keeps 1 MiB, the rest of what is written below goes from it.
  const { store } = await startDiskStore(tempDir(), { max_disk_bytes: 4 * 1024 * 1024 });
  const logger = recordingLogger();
  const running = await startExporter({ kind: 'prometheus_remote_write', endpoints: [upstream.url], max_batch_points: 500, retry: { initial: '10ms', max: '50ms' } }, { store, logger });
  cleanups.push(() => upstream.close(), () => running.stop());
  const now = Date.now();
  let sent = 0;
  for (let i = 0; i < 60; i++) {
    // Two sources: "ahead" at the current time, "behind" five minutes late; distinct series and values.
    sent += await appendGauges(store, 500, 5, i * 5, (round, s) => round * 100_000 + s, now - 600_000);
    sent += await appendGauges(store, 500, 5, i * 5, (round, s) => 50_000_000 + round * 100_000 + s, now - 900_000, 500);
  }
  down = false;
  await eventually(() => running.exporter.status().pendingPoints === 0 && running.exporter.status().lagSeconds === 0, 20_000, 'caught up');
  expect(upstream.counts().distinct).toBe(sent);
  expect(logger.lines.some((l) => l.msg === "exporter re-sent a span the WAL lost from the store's pages")).toBe(true);
  expect(running.exporter.status().recoveredPoints).toBeGreaterThan(0);
  expect(running.exporter.status().droppedPoints).toEqual({});
  expect(upstream.counts().duplicates).toBe(0);
});
