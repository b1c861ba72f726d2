import { lstatSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../support/cli.js';
import { postMetrics } from '../../support/http-client.js';
import { baseTimeMs } from '../../support/otlp-points.js';
import type { RunningAgent } from '../../support/store-agent.js';
import { sleep, startStoreAgent, writeStoreConfig } from '../../support/store-agent.js';
import { datafiles } from '../../support/store-files.js';
import { range, Synthetic } from '../../support/synthetic.js';

// The files of the store: private whatever the umask (issue: file modes), and a LOCK that a
// reused pid cannot hold forever (issue: LOCK naming a live process that is not an agent).

const dir = tempDir('cairn-files-');
const KEYS = { max_disk_bytes: '64MiB', datafile_bytes: '64KiB', page_points: 16, page_max_age: '1h', wal: { segment_bytes: '64KiB' } };
const syn = new Synthetic({ prefix: 'files', services: 1, metrics: [{ name: 'files.g', kind: 'gauge', unit: '', promName: 'files_g' }], perMetric: 4, baseMs: baseTimeMs(3), stepMs: 1000 });
const agents: RunningAgent[] = [];
afterAll(async () => {
  await Promise.all(agents.map((a) => a.kill()));
  dir.remove();
});

/** Every path under `root` (itself included) with its permission bits. */
function modes(root: string): { path: string; dir: boolean; mode: number }[] {
  const st = lstatSync(root);
  const out = [{ path: root, dir: st.isDirectory(), mode: st.mode & 0o777 }];
  if (st.isDirectory()) for (const name of readdirSync(root)) out.push(...modes(join(root, name)));
  return out;
}

/** Starts the agent with the process umask set to `umask` for the child only. */
async function startWithUmask(config: string, umask: number): Promise<RunningAgent> {
  const previous = process.umask(umask);
  try {
    const a = startStoreAgent(config);
    return await a;
  } finally {
    process.umask(previous);
  }
}

describe('store file modes', () => {
  it('under umask 000: the data directory and every directory in it 0700, every file 0600', { timeout: 30_000 }, async () => {
    const store = join(dir.dir, 'umask-000', 'store');
    const a = await startWithUmask(writeStoreConfig(dir.dir, 'umask.yaml', store, KEYS), 0o000);
    agents.push(a);
    for (let q = 0; q < 48; q += 16) expect((await postMetrics(a.httpUrl, syn.request(range(q, q + 16)))).status).toBe(200);
    await sleep(1500);
    expect(datafiles(store).length).toBeGreaterThan(0);
    const names = modes(store).map((f) => f.path.slice(store.length));
    // Every kind of file the store writes is there to be checked.
    for (const expected of ['/LOCK', '/index/series.csr', '/index/series-copy.csr', '/index/definitions.cdf', '/index/definitions-copy.cdf', '/tier0/00000001.cdf', '/tier0/00000001.cjf', '/wal/00000001.wal', '/wal/cursors']) {
      expect(names).toContain(expected);
    }
    const wrongModes = (): string[] => modes(store).filter((f) => f.mode !== (f.dir ? 0o700 : 0o600)).map((f) => `${f.path} ${f.mode.toString(8)}`);
    expect(wrongModes()).toEqual([]);
    expect(await a.stop()).toEqual({ code: 0, signal: null });
    // A clean stop writes the head checkpoint.
    expect(modes(store).map((f) => f.path.slice(store.length))).toContain('/head/checkpoint.ckp');
    expect(wrongModes()).toEqual([]);
  });
});

describe('store LOCK', () => {
  it.each([
    ['the pid of a live process that is not an agent (this test runner: pid reused after a reboot)', () => `${process.pid}\n`],
    ['nothing (an agent that could not write its pid on a full disk, then died)', () => ''],
    ['garbage', () => 'not a pid\n'],
  ])('a LOCK naming %s does not block start; the agent takes it over', { timeout: 30_000 }, async (what, content) => {
    const store = join(dir.dir, `lock-${what.length}`, 'store');
    const config = writeStoreConfig(dir.dir, `lock-${what.length}.yaml`, store, KEYS);
    const first = await startStoreAgent(config);
    agents.push(first);
    await first.api.metrics(); // the SIGTERM handler is in place once the agent has answered
    expect(await first.stop()).toEqual({ code: 0, signal: null });
    writeFileSync(join(store, 'LOCK'), content());
    const a = await startStoreAgent(config);
    agents.push(a);
    expect(a.cairn.logs.some((l) => l['msg'] === 'store: took over a stale LOCK' && l['file'] === join(store, 'LOCK'))).toBe(true);
    expect(readFileSync(join(store, 'LOCK'), 'utf8')).toBe(`${a.cairn.pid}\n`);
    await a.api.metrics();
    expect(await a.stop()).toEqual({ code: 0, signal: null });
  });
});
