import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { createFilesystemScraper, type FsStats, type StatfsFunction } from '../../../../src/sources/host/linux/filesystem.js';
import { isExcludedMount, parseMounts } from '../../../../src/sources/host/linux/mounts.js';
import { FIXTURE_PATHS, FIXTURE_ROOT, HOST_PATHS, hostConfig } from '../fixtures/host-config.js';
import { RecordingSink } from '../fixtures/recording-sink.js';

const config = hostConfig();
const FILTER = { excludeTypes: config.filesystem.exclude_types, excludeMountpoints: config.filesystem.exclude_mountpoints };
const STATS: FsStats = { bsize: 4096, blocks: 1000, bfree: 300, bavail: 250, files: 500, ffree: 400 };

describe('parseMounts', () => {
  it('decodes escaped blanks, reads the mode and keeps the last mount at a path', () => {
    const text = `/dev/sda1 / ext4 rw,relatime 0 0
/dev/sdb1 /media/My\\040Disk vfat ro,nosuid 0 0
/dev/sdd1 /data ext4 rw,relatime 0 0
weird /odd fuse.x relatime 0 0
/dev/sde1 /data xfs ro,relatime 0 0
`;
    expect(parseMounts(text)).toEqual([
      { device: '/dev/sda1', mountpoint: '/', type: 'ext4', mode: 'rw' },
      { device: '/dev/sdb1', mountpoint: '/media/My Disk', type: 'vfat', mode: 'ro' },
      { device: 'weird', mountpoint: '/odd', type: 'fuse.x', mode: 'unknown' },
      { device: '/dev/sde1', mountpoint: '/data', type: 'xfs', mode: 'ro' },
    ]);
  });

  it('names the file for a short line', () => {
    expect(() => parseMounts('/dev/sda1 /\n', '/h/proc/1/mounts')).toThrow('malformed /h/proc/1/mounts');
  });
});

describe('isExcludedMount', () => {
  const filter = { excludeTypes: ['proc'], excludeMountpoints: ['/dev', '/var/lib/docker/'] };
  it('excludes by type and by mount point on a path-component boundary', () => {
    expect(isExcludedMount({ mountpoint: '/anything', type: 'proc' }, filter)).toBe(true);
    expect(isExcludedMount({ mountpoint: '/dev', type: 'devtmpfs' }, filter)).toBe(true);
    expect(isExcludedMount({ mountpoint: '/dev/shm', type: 'tmpfs' }, filter)).toBe(true);
    expect(isExcludedMount({ mountpoint: '/devices', type: 'ext4' }, filter)).toBe(false);
    expect(isExcludedMount({ mountpoint: '/var/lib/docker/overlay2/x/merged', type: 'overlay' }, filter)).toBe(true);
    expect(isExcludedMount({ mountpoint: '/var/lib/docker', type: 'ext4' }, filter)).toBe(true);
    expect(isExcludedMount({ mountpoint: '/var/lib/dockerd', type: 'ext4' }, filter)).toBe(false);
    expect(isExcludedMount({ mountpoint: '/', type: 'ext4' }, { excludeTypes: [], excludeMountpoints: ['/'] })).toBe(true);
  });
});

describe('filesystem scraper', () => {
  it('reports usage, inodes and utilization under a root path, statting the mount under it', async () => {
    const asked: string[] = [];
    const statfs: StatfsFunction = async (path) => {
      asked.push(path);
      return STATS;
    };
    const sink = new RecordingSink();
    await createFilesystemScraper(FIXTURE_PATHS, FILTER, { statfs }).scrape(sink);
    // proc (type), /dev/shm (mount point) are excluded; /devices is not; /data reports its last mount.
    expect(asked).toEqual([`${FIXTURE_ROOT}/`, `${FIXTURE_ROOT}/media/My Disk`, `${FIXTURE_ROOT}/devices`, `${FIXTURE_ROOT}/data`]);
    const root = { device: '/dev/sda1', mode: 'rw', mountpoint: '/', type: 'ext4' };
    expect(sink.value('system.filesystem.usage', { ...root, state: 'used' })).toBe(700 * 4096);
    expect(sink.value('system.filesystem.usage', { ...root, state: 'free' })).toBe(250 * 4096);
    expect(sink.value('system.filesystem.usage', { ...root, state: 'reserved' })).toBe(50 * 4096);
    expect(sink.value('system.filesystem.inodes.usage', { ...root, state: 'used' })).toBe(100);
    expect(sink.value('system.filesystem.inodes.usage', { ...root, state: 'free' })).toBe(400);
    expect(sink.one('system.filesystem.utilization', root)).toMatchObject({ kind: 'gauge', value: 700 / 950, attributes: root });
    // Attribute keys in name order, like every other scraper's.
    expect(Object.keys(sink.one('system.filesystem.usage', { ...root, state: 'used' }).attributes)).toEqual(['device', 'mode', 'mountpoint', 'state', 'type']);
    expect(sink.one('system.filesystem.usage', { mountpoint: '/data', state: 'used' }).attributes).toMatchObject({ type: 'xfs', mode: 'ro' });
    expect(sink.one('system.filesystem.usage', { mountpoint: '/media/My Disk', state: 'used' }).attributes.mode).toBe('ro');
  });

  it('skips a mount whose statfs fails, silently', async () => {
    const statfs: StatfsFunction = async (path) => {
      if (path.endsWith('/data')) throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
      return STATS;
    };
    const sink = new RecordingSink();
    await createFilesystemScraper(FIXTURE_PATHS, FILTER, { statfs }).scrape(sink);
    expect(sink.named('system.filesystem.usage', { mountpoint: '/data' })).toHaveLength(0);
    expect(sink.named('system.filesystem.usage', { mountpoint: '/' })).toHaveLength(3);
  });

  it('gives up on a hung statfs at the deadline and skips that mount until the call returns', async () => {
    let release: (() => void) | undefined;
    let stuck = true;
    const calls: string[] = [];
    const statfs: StatfsFunction = (path) => {
      calls.push(path);
      if (!stuck || !path.endsWith('/data')) return Promise.resolve(STATS);
      return new Promise((resolve) => {
        release = () => resolve(STATS);
      });
    };
    const dataCalls = (): number => calls.filter((c) => c.endsWith('/data')).length;
    const scraper = createFilesystemScraper(FIXTURE_PATHS, FILTER, { statfs, timeoutMs: 20 });

    const first = new RecordingSink();
    const started = Date.now();
    await scraper.scrape(first);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(first.named('system.filesystem.usage', { mountpoint: '/data' })).toHaveLength(0);
    expect(first.named('system.filesystem.usage', { mountpoint: '/' })).toHaveLength(3);

    // Still stuck: not asked again, the others still reported.
    const second = new RecordingSink();
    await scraper.scrape(second);
    expect(dataCalls()).toBe(1);
    expect(second.named('system.filesystem.usage', { mountpoint: '/data' })).toHaveLength(0);
    expect(second.named('system.filesystem.usage', { mountpoint: '/' })).toHaveLength(3);

    // Once the stuck call returns, the mount is asked (and reported) again.
    stuck = false;
    release!();
    await new Promise((r) => setImmediate(r));
    const third = new RecordingSink();
    await scraper.scrape(third);
    expect(dataCalls()).toBe(2);
    expect(third.named('system.filesystem.usage', { mountpoint: '/data' })).toHaveLength(3);
  });

  it('reports the mount holding the temporary directory on this machine, and no excluded type', async () => {
    const sink = new RecordingSink();
    await createFilesystemScraper(HOST_PATHS, FILTER).scrape(sink);
    const mountpoints = [...new Set(sink.named('system.filesystem.usage').map((p) => p.attributes.mountpoint!))];
    const holder = mountpoints
      .filter((m) => tmpdir() === m || tmpdir().startsWith(m === '/' ? '/' : `${m}/`))
      .sort((a, b) => b.length - a.length)[0];
    expect(holder).toBeDefined();
    const total = ['used', 'free', 'reserved'].reduce(
      (sum, state) => sum + sink.value('system.filesystem.usage', { mountpoint: holder!, state }),
      0,
    );
    expect(total).toBeGreaterThan(0);
    for (const p of sink.points) {
      expect(FILTER.excludeTypes).not.toContain(p.attributes.type);
      expect(p.attributes.mountpoint === '/dev' || p.attributes.mountpoint!.startsWith('/dev/')).toBe(false);
    }
  });
});
