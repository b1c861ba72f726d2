// The tail reader's replay marking: every point that was in the WAL when the tail opened goes
// out in a batch marked replay (it may be upstream already), even when its WAL batch is cut
// across requests; points written after the open are not marked.
import { afterEach, describe, expect, it } from 'vitest';
import { ExporterStats } from '../../src/exporters/exporter-stats.js';
import type { ReadItem } from '../../src/exporters/tail-reader.js';
import { TailReader } from '../../src/exporters/tail-reader.js';
import { Registry } from '../../src/telemetry/index.js';
import { appendGauges } from '../support/exporter-harness.js';
import { startDiskStore } from '../support/disk-store.js';
import { tempDir } from '../support/store-units.js';

let cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

type Batch = Extract<ReadItem, { kind: 'batch' }>;

describe('TailReader replay marking', () => {
  it('marks both parts of a WAL batch cut across requests, and nothing written after the open', async () => {
    const { store } = await startDiskStore(tempDir());
    cleanups.push(() => store.shutdown());
    // One WAL batch of 25 points, then one of 25 more: requests of 20 cut both.
    await appendGauges(store, 25, 2);
    const tail = await store.openTail('t');
    const reader = new TailReader(tail, { maxBatchPoints: 20, maxAgeMs: 0, now: Date.now }, new ExporterStats(new Registry(), 't'));
    cleanups.push(() => tail.close());
    const backlog: Batch[] = [];
    while (backlog.reduce((n, b) => n + b.batch.pointCount, 0) < 50) backlog.push((await reader.next()) as Batch);
    expect(backlog.map((b) => b.batch.pointCount)).toEqual([20, 20, 10]);
    expect(backlog.map((b) => b.replay)).toEqual([true, true, true]);
    await appendGauges(store, 25, 1, 2);
    const live = (await reader.next()) as Batch;
    expect(live.batch.pointCount).toBe(20);
    expect(live.replay).toBe(false);
  });
});
