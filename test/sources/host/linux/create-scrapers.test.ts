import { describe, expect, it, vi } from 'vitest';
import { createScrapers, hostPaths } from '../../../../src/sources/host/create-scrapers.js';
import { FIXTURE_ROOT, hostConfig } from '../fixtures/host-config.js';
import { RecordingSink } from '../fixtures/recording-sink.js';

describe('createScrapers on Linux', () => {
  it('builds the configured scrapers in order, then process when enabled', async () => {
    const all = await createScrapers(hostConfig(), 'linux');
    expect(all.map((s) => s.name)).toEqual(['cpu', 'memory', 'load', 'disk', 'filesystem', 'network', 'paging', 'processes', 'uptime']);
    const some = await createScrapers(hostConfig({ scrapers: ['uptime', 'cpu'], process: { enabled: true, top: 3 } }), 'linux');
    expect(some.map((s) => s.name)).toEqual(['uptime', 'cpu', 'process']);
  });

  it('never loads systeminformation', async () => {
    let loaded = false;
    vi.resetModules();
    vi.doMock('systeminformation', () => {
      loaded = true;
      return {};
    });
    try {
      const fresh = await import('../../../../src/sources/host/create-scrapers.js');
      for (const s of await fresh.createScrapers(hostConfig({ process: { enabled: true, top: 1 } }), 'linux')) {
        await s.scrape(new RecordingSink());
      }
      expect(loaded).toBe(false);
    } finally {
      vi.doUnmock('systeminformation');
    }
  });

  it('turns root_path into a prefix without trailing slashes', () => {
    expect(hostPaths('/')).toEqual({ root: '' });
    expect(hostPaths('')).toEqual({ root: '' });
    expect(hostPaths('/hostfs/')).toEqual({ root: '/hostfs' });
    expect(hostPaths('/hostfs')).toEqual({ root: '/hostfs' });
  });

  it('reads everything under root_path', async () => {
    const scrapers = await createScrapers(hostConfig({ root_path: `${FIXTURE_ROOT}/`, process: { enabled: true, top: 1 } }), 'linux');
    const sink = new RecordingSink();
    for (const s of scrapers) await s.scrape(sink);
    expect(sink.value('system.memory.limit')).toBe(8000000 * 1024);
    expect(sink.value('system.cpu.load_average.15m')).toBe(0.59);
    expect(sink.value('system.uptime')).toBe(350735.47);
    expect(sink.value('system.processes.count', { status: 'blocked' })).toBe(1);
    expect(sink.named('system.cpu.time')).toHaveLength(2 * 8);
    expect(sink.value('system.disk.operations', { device: 'nvme0n1', direction: 'read' })).toBe(10000);
    expect(sink.value('system.network.packets', { device: 'eth0', direction: 'transmit' })).toBe(4000000);
    expect(sink.value('system.paging.faults', { type: 'major' })).toBe(3099);
    // Only / exists under the fixture root; statfs on the other mount points fails and they are skipped.
    expect([...new Set(sink.named('system.filesystem.usage').map((p) => p.attributes.mountpoint))]).toEqual(['/']);
    expect(sink.points.filter((p) => p.resource['process.pid'] !== undefined).map((p) => p.resource['process.pid'])).toContain('202');
    // Every scraper lists attribute keys in name order, so equal sets are equal lists.
    for (const p of sink.points) {
      const keys = Object.keys(p.attributes);
      expect(keys, p.name).toEqual([...keys].sort());
    }
  });
});
