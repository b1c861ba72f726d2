import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createFilesystemScraper, mountTables, type FsStats, type MountTables } from '../../src/sources/host/linux/filesystem.js';
import { RecordingSink } from '../sources/host/fixtures/recording-sink.js';

// Under systemd's ProtectSystem=strict the service's own mount table says ro for everything
// (fixtures/mounts-sandboxed); PID 1's (fixtures/mounts-host) says what the host has.
const fixture = (name: string): string => fileURLToPath(new URL(`fixtures/${name}`, import.meta.url));
const STATS: FsStats = { bsize: 4096, blocks: 1000, bfree: 300, bavail: 250, files: 500, ffree: 400 };
const FILTER = { excludeTypes: ['proc'], excludeMountpoints: [] };

async function modes(tables: MountTables): Promise<Record<string, string>> {
  const sink = new RecordingSink();
  await createFilesystemScraper({ root: '' }, FILTER, { statfs: async () => STATS, mountTables: tables }).scrape(sink);
  const used = sink.points.filter((p) => p.name === 'system.filesystem.usage' && p.attributes.state === 'used');
  return Object.fromEntries(used.map((p) => [p.attributes.mountpoint!, p.attributes.mode!]));
}

describe('filesystem mode under a sandboxed service', () => {
  it('reads PID 1 first on the host, only PID 1 under root_path', () => {
    expect(mountTables({ root: '' })).toEqual({ host: '/proc/1/mounts', own: '/proc/self/mounts' });
    expect(mountTables({ root: '/hostfs' })).toEqual({ host: '/hostfs/proc/1/mounts' });
  });

  it("reports the host's modes, not the sandbox's read-only view", async () => {
    expect(await modes({ host: fixture('mounts-host'), own: fixture('mounts-sandboxed') })).toEqual({
      '/': 'rw',
      '/home': 'rw',
      '/srv/archive': 'ro',
    });
  });

  it('falls back to its own table when PID 1 cannot be read', async () => {
    const own = fixture('mounts-sandboxed');
    expect(await modes({ host: fixture('no-such-table'), own })).toMatchObject({ '/': 'ro', '/home': 'ro', '/var/lib/private/cairn': 'rw' });
  });

  it("keeps its own table when PID 1 has another root (a container sharing the host's PIDs)", async () => {
    expect(await modes({ host: fixture('mounts-host'), own: fixture('mounts-container') })).toEqual({ '/': 'rw' });
    const sink = new RecordingSink();
    const scraper = createFilesystemScraper({ root: '' }, FILTER, {
      statfs: async () => STATS,
      mountTables: { host: fixture('mounts-host'), own: fixture('mounts-container') },
    });
    await scraper.scrape(sink);
    expect(sink.points.find((p) => p.attributes.mountpoint === '/')?.attributes.type).toBe('overlay');
  });

  it('fails naming the table when its own cannot be read either', async () => {
    await expect(modes({ host: fixture('no-such-table'), own: fixture('no-such-own') })).rejects.toThrow(/no-such-own/);
  });
});
