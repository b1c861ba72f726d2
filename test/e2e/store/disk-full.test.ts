import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AckedLoad } from '../../support/acked-load.js';
import { tempDir } from '../../support/cli.js';
import { httpRequest, postMetrics } from '../../support/http-client.js';
import { baseTimeMs } from '../../support/otlp-points.js';
import type { RunningAgent } from '../../support/store-agent.js';
import { eventually, sleep, startStoreAgent, writeStoreConfig } from '../../support/store-agent.js';
import { tmpfsForSuite } from '../../support/store-files.js';
import { Synthetic } from '../../support/synthetic.js';

// The store on a small tmpfs, filled by sustained ingest: receivers refuse with retryable
// answers, the agent keeps running, acknowledged data stays intact, and ingest resumes by
// itself once space returns.

const dir = tempDir('cairn-diskfull-');
const { fs, skipReason } = tmpfsForSuite(`${dir.dir}/fs`, '4m', 'disk-full tests');
// Skipped only where a tmpfs cannot be mounted (not root, no CAP_SYS_ADMIN); skipReason says why.
const itFs = fs === undefined ? it.skip : it;

const storePath = `${dir.dir}/fs/store`;
const filler = `${dir.dir}/fs/filler`;
const config = writeStoreConfig(dir.dir, 'full.yaml', storePath, {
  // The budget is far above the filesystem: the disk runs out first.
  max_disk_bytes: '64MiB',
  datafile_bytes: '256KiB',
  page_points: 64,
  page_max_age: '1h',
  wal: { segment_bytes: '64KiB', fsync: 'always' },
});
const load = new AckedLoad({ prefix: 'full', senders: 3, seriesPerSender: 4, pointsPerRequest: 64, baseMs: baseTimeMs(24), stepMs: 1000 });
const agents: RunningAgent[] = [];
let agent: RunningAgent;

beforeAll(async () => {
  if (fs === undefined) return;
  // 2 MiB of the 4 MiB taken by a file the test removes to give space back.
  writeFileSync(filler, Buffer.alloc(2 * 1024 * 1024, 7));
  agent = await startStoreAgent(config);
  agents.push(agent);
}, 30_000);

afterAll(async () => {
  await Promise.all(agents.map((a) => a.kill()));
  try {
    fs?.unmount();
  } catch (err) {
    console.warn(`umount failed: ${(err as Error).message}`);
  }
  dir.remove();
});

async function verifyAcked(a: RunningAgent, what: string): Promise<void> {
  const v = await load.check(a.api);
  expect(v.checked).toBeGreaterThan(0);
  expect(v.missing.length, `${what}: acknowledged points missing or wrong:\n${v.missing.slice(0, 10).join('\n')}`).toBe(0);
  expect(v.foreign.length, `${what}: values never sent:\n${v.foreign.slice(0, 10).join('\n')}`).toBe(0);
}

const df = (): string => execFileSync('df', ['-k', `${dir.dir}/fs`], { encoding: 'utf8' }).trim().split('\n').at(-1)!;

describe('store on a filesystem that fills up', () => {
  // Skipped only where a tmpfs cannot be mounted (not root, no CAP_SYS_ADMIN): the name says why.
  if (skipReason !== '') it.skip(skipReason, () => undefined);

  /** The sustained load: it runs from the first test until space is given back. */
  let run: ReturnType<AckedLoad['run']> | undefined;
  afterAll(async () => {
    run?.stop();
    await run?.done;
  });

  itFs('refuses with retryable answers once the disk is full (gRPC UNAVAILABLE with RetryInfo)', { timeout: 40_000 }, async () => {
    run = load.run(agent.grpc);
    await eventually(() => (load.failures[14] ?? 0) >= 20, 30_000, `gRPC UNAVAILABLE refusals (df: ${df()})`);
    expect(load.ackedPoints()).toBeGreaterThan(0);
    // Only retryable refusals: UNAVAILABLE with a retry delay; nothing else went wrong.
    expect(Object.keys(load.failures)).toEqual(['14']);
    expect(load.oddAnswers).toEqual([]);
    expect([...load.retryDelays]).toEqual([1000]);
    expect(load.lastFailure).toMatch(/ENOSPC|no space/i);
    expect(agent.cairn.logs.some((l) => l['msg'] === 'wal: write failed, refusing appends until one succeeds')).toBe(true);
  });

  itFs('answers OTLP/HTTP with 503 and Retry-After while full', async () => {
    // A series of its own, so no other sender's timestamps interfere. The gRPC load keeps the
    // disk full; space the store frees (WAL segments whose pages are written) is taken again at
    // once, so a request may occasionally get through: retry until one is refused.
    const syn = new Synthetic({ prefix: 'full-http', services: 1, metrics: [{ name: 'full.http', kind: 'gauge', unit: '', promName: 'full_http' }], perMetric: 1, baseMs: baseTimeMs(24), stepMs: 1000, firstIndex: 900 });
    const statuses: number[] = [];
    for (let q = 0; q < 50 && !statuses.includes(503); q++) {
      const res = await postMetrics(agent.httpUrl, syn.request([q]));
      statuses.push(res.status);
      if (res.status === 503) expect(res.headers['retry-after']).toBe('1');
    }
    expect(statuses).toContain(503);
    expect(statuses.filter((s) => s !== 200 && s !== 503)).toEqual([]);
  });

  itFs('keeps running and serving: health, and every acknowledged point exactly', async () => {
    expect(agent.cairn.child.exitCode).toBeNull();
    const health = await httpRequest(`${agent.api.base}/healthz`, { method: 'GET' });
    expect(health.status).toBe(200);
    await verifyAcked(agent, 'while full');
  });

  itFs('resumes ingest by itself when space returns, and the new points are queryable', { timeout: 40_000 }, async () => {
    // The store frees some space by itself (WAL segments whose pages got written, every 5 s),
    // so the load gets through in bursts; wait until it is stuck: refusals and no
    // acknowledgement for 700 ms.
    await eventually(() => Date.now() - load.lastAckAt > 700 && Date.now() - load.lastRefusalAt < 100, 15_000, 'the store to be stuck full');
    const ackedBefore = load.ackedPoints();
    const freedAt = Date.now();
    rmSync(filler);
    // Acknowledgements start again without any restart (20,000 points: over 0.5 MiB of WAL).
    await eventually(() => load.ackedPoints() >= ackedBefore + 20_000, 10_000, `acknowledgements after freeing space (last failure: ${load.lastFailure}; df: ${df()})`);
    console.log(`[disk-full] after freeing: ${load.ackedPoints() - ackedBefore} points acknowledged in ${Date.now() - freedAt} ms`);
    run!.stop();
    await run!.done;
    expect(agent.cairn.child.exitCode).toBeNull();
    expect(agent.cairn.logs.some((l) => l['msg'] === 'wal: writes succeed again')).toBe(true);
    await verifyAcked(agent, 'after space returned');
  });

  itFs('after growing the filesystem and a clean restart, everything acknowledged is still exact', { timeout: 30_000 }, async () => {
    fs!.resize('16m');
    expect(await agent.stop()).toEqual({ code: 0, signal: null });
    const again = await startStoreAgent(config);
    agents.push(again);
    await verifyAcked(again, 'after restart');
    // And it takes data again.
    const more = load.run(again.grpc);
    await sleep(500);
    more.stop();
    await more.done;
    expect(load.failures[14] ?? 0).toBeGreaterThan(0);
    await verifyAcked(again, 'after restart and more ingest');
    expect(await again.stop()).toEqual({ code: 0, signal: null });
  });
});
