import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../support/cli.js';
import { postMetrics } from '../../support/http-client.js';
import { baseTimeMs } from '../../support/otlp-points.js';
import { checkExact, describeCheck } from '../../support/store-check.js';
import type { RunningAgent } from '../../support/store-agent.js';
import { sleep, startStoreAgent, writeStoreConfig } from '../../support/store-agent.js';
import { datafiles, journals, walSegments } from '../../support/store-files.js';
import { range, Synthetic } from '../../support/synthetic.js';

// A clean stop (SIGTERM) and a start on the same store directory: flushed pages come back
// from the datafiles (journals), the unflushed head from the WAL, with exact values.

const dir = tempDir('cairn-restart-');
const running: RunningAgent[] = [];
afterAll(async () => {
  await Promise.all(running.splice(0).map((a) => a.kill()));
  dir.remove();
});

async function start(config: string): Promise<RunningAgent> {
  const a = await startStoreAgent(config);
  running.push(a);
  return a;
}

async function stopCleanly(a: RunningAgent): Promise<void> {
  expect(await a.stop()).toEqual({ code: 0, signal: null });
  running.splice(running.indexOf(a), 1);
}

const STORE = {
  max_disk_bytes: '64MiB',
  datafile_bytes: '16KiB',
  page_points: 64,
  page_max_age: '1h',
  wal: { segment_bytes: '64KiB', fsync: 'interval', fsync_interval: '200ms' },
};

const METRICS = [
  { name: 'store.e2e.temp', kind: 'gauge', unit: 'Cel', promName: 'store_e2e_temp_celsius' },
  { name: 'store.e2e.ops', kind: 'counter', unit: '', promName: 'store_e2e_ops_total' },
] as const;

describe('restart on the same store directory', () => {
  const storePath = `${dir.dir}/store`;
  const config = writeStoreConfig(dir.dir, 'restart.yaml', storePath, STORE);
  const syn = new Synthetic({ prefix: 'restart', services: 2, metrics: METRICS, perMetric: 3, baseMs: baseTimeMs(6), stepMs: 1000 });
  const PER_REQUEST = 10;

  async function ingest(a: RunningAgent, from: number, to: number): Promise<void> {
    for (let q = from; q < to; q += PER_REQUEST) {
      const res = await postMetrics(a.httpUrl, syn.request(range(q, Math.min(to, q + PER_REQUEST))));
      expect(res.status, res.body.toString()).toBe(200);
    }
  }

  async function expectAll(a: RunningAgent, to: number): Promise<void> {
    for (const m of METRICS) {
      const r = await checkExact(a.api, m.promName, syn.expected(range(0, to), syn.named(m.promName)), syn.timeOf(0), syn.timeOf(to - 1), syn.stepMs);
      expect(r.checked).toBe(6 * to);
      expect(r.mismatches.length, describeCheck(r)).toBe(0);
      expect(r.unexpectedSeries).toEqual([]);
    }
  }

  // The steps share one store directory and run in order; each is its own test so that a
  // failure in one (e.g. reading pages written by the running process) does not hide the others.
  let first: RunningAgent | undefined;
  let second: RunningAgent | undefined;

  it('while running, serves what it ingested: pages flushed to datafiles and the head', async () => {
    first = await start(config);
    // 300 points per series in three bursts more than a flush apart: 4 full 64-point pages per
    // series in several extents and datafiles, and 44 points per series only in the WAL head.
    await ingest(first, 0, 100);
    await sleep(1300);
    await ingest(first, 100, 200);
    await sleep(1300);
    await ingest(first, 200, 300);
    await sleep(1300);
    expect(datafiles(storePath).length).toBeGreaterThan(1);
    await expectAll(first, 300);
  });

  it('stops on SIGTERM with exit 0, leaving datafiles, journals and WAL segments', async () => {
    expect(first, 'the first agent did not start').toBeDefined();
    await stopCleanly(first!);
    expect(first!.cairn.logs.map((l) => l['msg'])).toContain('agent stopped');
    expect(first!.cairn.logs.filter((l) => l['level'] === 'error')).toEqual([]);
    expect(datafiles(storePath).length).toBeGreaterThan(1);
    expect(journals(storePath).length).toBe(datafiles(storePath).length);
    expect(walSegments(storePath).length).toBeGreaterThan(0);
  });

  it('starts again on the same directory and serves flushed pages and the replayed WAL head exactly', async () => {
    second = await start(config);
    // 12 series × 4 pages came back from the journals; the WAL was replayed.
    expect(second.storeOpened['pages']).toBe(48);
    expect(second.storeOpened['records']).toBeGreaterThan(0);
    expect(second.storeOpened['corruptRecordsSkipped']).toBe(0);
    expect(second.ringOpened).toMatchObject({ journalEntriesSkipped: 0, journalTailsTruncated: 0, journalsRebuilt: 0, datafilesDropped: 0 });
    // Queried right away: the last 44 points of every series exist only through replay.
    await expectAll(second, 300);
    const m = await second.api.metrics();
    expect(m.sum('cairn_store_series')).toBeGreaterThanOrEqual(12);
    // Open pages: 44 points of each of the 12 series, and 30 target_info samples per service
    // (one per request, at its newest point time) that never filled a page.
    expect(m.sum('cairn_store_head_samples')).toBe(12 * 44 + 2 * 30);

    // The listing endpoints know every series after the restart.
    const series = await second.api.series(['{__name__=~"store_e2e_.*"}']);
    expect(series.length).toBe(12);
    expect(await second.api.labelValues('job')).toEqual(expect.arrayContaining(['restart-svc-0', 'restart-svc-1']));
    expect(await second.api.labels()).toEqual(expect.arrayContaining(['__name__', 'instance', 'job', 'series_key', 'shard']));
  });

  it('keeps ingesting after the replayed points, and a second clean restart keeps everything', async () => {
    expect(second, 'the second agent did not start').toBeDefined();
    await ingest(second!, 300, 340);
    await stopCleanly(second!);
    const third = await start(config);
    await expectAll(third, 340);
    expect(third.cairn.logs.filter((l) => l['level'] === 'error')).toEqual([]);
    await stopCleanly(third);
  });

  it('refuses a second agent on a store directory in use, naming the lock, and leaves the first serving', async () => {
    const lockedPath = `${dir.dir}/locked`;
    const lockedConfig = writeStoreConfig(dir.dir, 'locked.yaml', lockedPath, STORE);
    const owner = await start(lockedConfig);
    await ingest(owner, 0, 40);
    const intruder = startStoreAgent(lockedConfig, 15_000);
    await expect(intruder).rejects.toThrow(/exited \(\{"code":1,"signal":null\}\) before listening/);
    const intruderLogs = (await intruder.catch((e: Error) => e.message)) as string;
    expect(intruderLogs).toMatch(/agent failed to start/);
    expect(intruderLogs).toMatch(/LOCK/);
    expect(intruderLogs).toMatch(new RegExp(`in use by process ${owner.cairn.pid}`));
    // The owner is untouched: it still ingests and answers.
    await ingest(owner, 40, 50);
    await expectAll(owner, 50);
    await stopCleanly(owner);
    // Once released, the directory opens again.
    const next = await start(lockedConfig);
    await expectAll(next, 50);
    await stopCleanly(next);
  });
});
