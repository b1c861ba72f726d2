import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../support/cli.js';
import { GrpcStatus, RawExportClient } from '../../support/grpc-client.js';
import { postMetrics } from '../../support/http-client.js';
import { baseTimeMs } from '../../support/otlp-points.js';
import { checkExact, describeCheck } from '../../support/store-check.js';
import type { RunningAgent } from '../../support/store-agent.js';
import { eventually, sleep, startStoreAgent, writeStoreConfig } from '../../support/store-agent.js';
import { fillFilesystem, tmpfsForSuite } from '../../support/store-files.js';
import { range, Synthetic } from '../../support/synthetic.js';

// A store whose disk is full when the agent starts (issue: "a full disk at start"): the agent
// starts read-only — queries served exactly, ingest refused with the retryable answers — and
// takes writes again, by itself, once space returns.

const dir = tempDir('cairn-fullstart-');
const { fs, skipReason } = tmpfsForSuite(`${dir.dir}/fs`, '8m', 'full-disk-at-start tests');
// Skipped only where a tmpfs cannot be mounted (not root, no CAP_SYS_ADMIN); skipReason says why.
const itFs = fs === undefined ? it.skip : it;

const storePath = `${dir.dir}/fs/store`;
const filler = `${dir.dir}/fs/filler`;
const config = writeStoreConfig(dir.dir, 'full-at-start.yaml', storePath, {
  max_disk_bytes: '64MiB',
  datafile_bytes: '64KiB',
  page_points: 16,
  page_max_age: '1h',
  wal: { segment_bytes: '64KiB', fsync: 'always' },
});
const base = baseTimeMs(6);
/** Written before the disk fills: 12 series × 64 points, most of them in pages. */
const before = new Synthetic({ prefix: 'fs-before', services: 2, metrics: [{ name: 'fs.before', kind: 'gauge', unit: '', promName: 'fs_before' }], perMetric: 6, baseMs: base, stepMs: 1000 });
/** Sent while full (refused), then again once space returned. */
const after = new Synthetic({ prefix: 'fs-after', services: 1, metrics: [{ name: 'fs.after', kind: 'gauge', unit: '', promName: 'fs_after' }], perMetric: 3, baseMs: base, stepMs: 1000, firstIndex: 500 });
const agents: RunningAgent[] = [];
let agent: RunningAgent;

async function exact(a: RunningAgent, syn: Synthetic, seqs: number, what: string): Promise<void> {
  const name = syn.series[0]!.labels['__name__']!;
  const r = await checkExact(a.api, name, syn.expected(range(0, seqs)), syn.timeOf(0), syn.timeOf(seqs - 1), syn.stepMs);
  expect(r.checked, what).toBe(syn.series.length * seqs);
  expect(r.mismatches.length, `${what}: ${describeCheck(r)}`).toBe(0);
}

beforeAll(async () => {
  if (fs === undefined) return;
  const first = await startStoreAgent(config);
  agents.push(first);
  for (let q = 0; q < 64; q += 8) {
    const res = await postMetrics(first.httpUrl, before.request(range(q, q + 8)));
    if (res.status !== 200) throw new Error(`ingest: HTTP ${res.status}`);
  }
  await sleep(1500); // pages cut by size are written within a second
  expect(await first.stop()).toEqual({ code: 0, signal: null });
  fillFilesystem(filler);
  agent = await startStoreAgent(config);
  agents.push(agent);
}, 40_000);

afterAll(async () => {
  await Promise.all(agents.map((a) => a.kill()));
  try {
    fs?.unmount();
  } catch (err) {
    console.warn(`umount failed: ${(err as Error).message}`);
  }
  dir.remove();
});

describe('a store whose disk is full at start', () => {
  if (skipReason !== '') it.skip(skipReason, () => undefined);

  itFs('starts, says why writes are refused, and serves every stored point exactly', async () => {
    expect(agent.cairn.child.exitCode).toBeNull();
    expect(agent.cairn.logs.some((l) => l['msg'] === 'wal: cannot create a segment; appends are refused until it can be' && /ENOSPC/.test(String(l['error'])))).toBe(true);
    await exact(agent, before, 64, 'read-only');
  });

  itFs('answers ingest with the retryable refusals: OTLP/HTTP 503 with Retry-After, gRPC UNAVAILABLE with a retry delay', async () => {
    const res = await postMetrics(agent.httpUrl, after.request([0]));
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    const grpc = new RawExportClient(agent.grpc);
    try {
      const answer = await grpc.export(after.request([0]));
      expect(answer.ok).toBe(false);
      if (!answer.ok) {
        expect(answer.code).toBe(GrpcStatus.UNAVAILABLE);
        expect(answer.retryAfterMs).toBe(1000);
        expect(answer.details).toMatch(/ENOSPC/);
      }
    } finally {
      grpc.close();
    }
  });

  itFs('takes writes by itself once space returns, and keeps them across a restart', { timeout: 30_000 }, async () => {
    rmSync(filler);
    let status = 0;
    await eventually(async () => (status = (await postMetrics(agent.httpUrl, after.request([0]))).status) === 200, 10_000, `ingest accepted again (last status ${status})`);
    for (let q = 1; q < 16; q++) expect((await postMetrics(agent.httpUrl, after.request([q]))).status).toBe(200);
    expect(agent.cairn.logs.some((l) => l['msg'] === 'wal: segment created; appends are taken')).toBe(true);
    await exact(agent, after, 16, 'after space returned');
    expect(await agent.stop()).toEqual({ code: 0, signal: null });
    const again = await startStoreAgent(config);
    agents.push(again);
    await exact(again, before, 64, 'restart: before');
    await exact(again, after, 16, 'restart: after');
    expect(await again.stop()).toEqual({ code: 0, signal: null });
  });
});
