import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createDiskScraper, isUnusedDisk, parseDiskstats } from '../../../../src/sources/host/linux/disk.js';
import { FIXTURE_PATHS, FIXTURE_ROOT, HOST_PATHS } from '../fixtures/host-config.js';
import { RecordingSink } from '../fixtures/recording-sink.js';

describe('parseDiskstats', () => {
  it('reads lines of 14, 18 and 20 fields alike', () => {
    const disks = parseDiskstats(readFileSync(`${FIXTURE_ROOT}/proc/diskstats`, 'utf8'));
    expect(disks.map((d) => d.device)).toEqual(['loop0', 'sda', 'sda1', 'nvme0n1']);
    expect(disks[1]).toEqual({
      device: 'sda',
      reads: 4000,
      readsMerged: 100,
      sectorsRead: 80000,
      readMs: 2000,
      writes: 3000,
      writesMerged: 50,
      sectorsWritten: 60000,
      writeMs: 5000,
      inProgress: 2,
      ioMs: 6000,
      weightedIoMs: 7000,
    });
    expect(disks[3]).toMatchObject({ reads: 10000, writes: 20000, weightedIoMs: 12000 });
    expect(disks.map(isUnusedDisk)).toEqual([true, false, false, false]);
  });

  it('names the file for a short or non-numeric line', () => {
    expect(() => parseDiskstats('8 0 sda 1 2 3\n', '/h/proc/diskstats')).toThrow('malformed /h/proc/diskstats: line for sda has 6 fields');
    expect(() => parseDiskstats('8 0 sda 1 2 3 4 5 6 7 8 9 x 11\n')).toThrow('field 13');
  });
});

describe('disk scraper', () => {
  it('reports the receiver\'s metrics per used device, in bytes and seconds', async () => {
    const sink = new RecordingSink();
    await createDiskScraper(FIXTURE_PATHS).scrape(sink);
    expect(sink.named('system.disk.io', { device: 'loop0' })).toHaveLength(0);
    expect(sink.value('system.disk.io', { device: 'sda', direction: 'read' })).toBe(80000 * 512);
    expect(sink.value('system.disk.io', { device: 'sda', direction: 'write' })).toBe(60000 * 512);
    expect(sink.value('system.disk.operations', { device: 'sda', direction: 'write' })).toBe(3000);
    expect(sink.value('system.disk.operation_time', { device: 'sda', direction: 'read' })).toBe(2);
    expect(sink.value('system.disk.merged', { device: 'sda', direction: 'read' })).toBe(100);
    expect(sink.one('system.disk.io_time', { device: 'sda' })).toMatchObject({ value: 6, attributes: { device: 'sda' } });
    expect(sink.value('system.disk.weighted_io_time', { device: 'sda' })).toBe(7);
    expect(sink.one('system.disk.pending_operations', { device: 'sda' })).toMatchObject({ kind: 'upDown', value: 2 });
    expect(sink.named('system.disk.io').map((p) => p.attributes.device)).toEqual(['sda', 'sda', 'sda1', 'sda1', 'nvme0n1', 'nvme0n1']);
  });

  it('reads this machine\'s /proc/diskstats', async () => {
    const usedNames = (): string[] =>
      parseDiskstats(readFileSync('/proc/diskstats', 'utf8'))
        .filter((d) => !isUnusedDisk(d))
        .map((d) => d.device);
    const usedBefore = usedNames();
    const sink = new RecordingSink();
    await createDiskScraper(HOST_PATHS).scrape(sink);
    const usedAfter = usedNames();
    const devices = [...new Set(sink.named('system.disk.operations').map((p) => p.attributes.device!))];
    // Counts only grow, so a device used before the scrape is reported, and one reported is used after it.
    for (const d of usedBefore) expect(devices).toContain(d);
    for (const d of devices) expect(usedAfter).toContain(d);
    expect(sink.points.every((p) => Number.isFinite(p.value) && p.value >= 0)).toBe(true);
  });
});
