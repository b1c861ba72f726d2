import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAgent, waitFor } from '../support/agent.js';
import type { TestAgent } from '../support/agent.js';

// A running agent reading another root (host.root_path, as in a container with the host's /
// mounted) where one file the disk scraper needs is missing: the other scrapers go on every
// interval, the failing one is counted each time, and the agent stays up.

const FIXTURE_ROOT = fileURLToPath(new URL('../sources/host/fixtures/root', import.meta.url));

describe.skipIf(process.platform !== 'linux')('host.root_path with a broken scraper (skipped off Linux: the /proc readers are Linux only)', () => {
  const root = mkdtempSync(join(tmpdir(), 'cairn-root-'));
  let t: TestAgent;
  beforeAll(async () => {
    cpSync(FIXTURE_ROOT, root, { recursive: true });
    rmSync(join(root, 'proc/diskstats'));
    t = await startTestAgent({ config: { host: { enabled: true, interval: '1s', scrapers: ['memory', 'disk', 'load'], root_path: root } } });
    // Failures are counted when a scrape ends, the tick's batch is stored after: wait for both.
    const stored = (): number => [...t.memory.points()].filter((p) => p.series.name === 'system.memory.limit').length;
    await waitFor(() => t.agent.registry.value('cairn_host_scrape_errors_total', { scraper: 'disk' }) >= 2 && stored() >= 2, 10_000, 'two ticks with a failed disk scrape');
  });
  afterAll(async () => {
    await t?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('keeps storing the scrapers that work, from the given root', () => {
    const points = [...t.memory.points()];
    const limit = points.filter((p) => p.series.name === 'system.memory.limit');
    expect(limit.length).toBeGreaterThanOrEqual(2);
    for (const p of limit) expect(p.value).toBe(8_000_000 * 1024);
    expect(points.some((p) => p.series.name === 'system.cpu.load_average.1m')).toBe(true);
    expect(points.some((p) => p.series.name.startsWith('system.disk.'))).toBe(false);
    expect(Object.fromEntries(limit[0]!.series.resource)['host.id']).toBe('0123456789abcdef0123456789abcdef');
  });

  it('counts every failed scrape and every attempt', () => {
    const r = t.agent.registry;
    expect(r.value('cairn_host_scrape_errors_total', { scraper: 'memory' })).toBe(0);
    // Every finished disk scrape failed (one may still be under way: counted when it started).
    const started = r.value('cairn_host_scrapes_total', { scraper: 'disk' });
    const failed = r.value('cairn_host_scrape_errors_total', { scraper: 'disk' });
    expect(failed).toBeGreaterThanOrEqual(2);
    expect(started - failed).toBeLessThanOrEqual(1);
    expect(r.value('cairn_receiver_accepted_points_total', { receiver: 'host' })).toBeGreaterThan(0);
  });
});

describe.skipIf(process.platform !== 'linux')('host.root_path with nothing under it (skipped off Linux: the /proc readers are Linux only)', () => {
  const root = mkdtempSync(join(tmpdir(), 'cairn-empty-root-'));
  let t: TestAgent;
  afterAll(async () => {
    await t?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('starts anyway and counts every scraper failing, storing no host points', async () => {
    t = await startTestAgent({ config: { host: { enabled: true, interval: '1s', root_path: root } } });
    const r = t.agent.registry;
    await waitFor(() => r.value('cairn_host_scrape_errors_total', { scraper: 'uptime' }) >= 1, 10_000, 'a failed uptime scrape');
    for (const scraper of ['cpu', 'memory', 'load', 'disk', 'filesystem', 'network', 'paging', 'processes']) {
      await waitFor(() => r.value('cairn_host_scrape_errors_total', { scraper }) >= 1, 5_000, `a failed ${scraper} scrape`);
    }
    expect([...t.memory.points()].filter((p) => p.series.name.startsWith('system.'))).toEqual([]);
  });
});
