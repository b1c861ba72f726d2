import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPagingScraper, parseSwaps, parseVmstat } from '../../../../src/sources/host/linux/paging.js';
import { FIXTURE_PATHS, FIXTURE_ROOT, HOST_PATHS } from '../fixtures/host-config.js';
import { RecordingSink } from '../fixtures/recording-sink.js';

describe('paging parsers', () => {
  it('reads swap devices in bytes, decoding escaped names', () => {
    expect(parseSwaps(readFileSync(`${FIXTURE_ROOT}/proc/swaps`, 'utf8'))).toEqual([
      { device: '/dev/sda2', sizeBytes: 2097148 * 1024, usedBytes: 97148 * 1024 },
      { device: '/swap file', sizeBytes: 1048576 * 1024, usedBytes: 0 },
    ]);
    expect(parseSwaps('Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n')).toEqual([]);
  });

  it('reads the paging counters of /proc/vmstat', () => {
    expect(parseVmstat(readFileSync(`${FIXTURE_ROOT}/proc/vmstat`, 'utf8'))).toEqual({
      pagesIn: 4554397,
      pagesOut: 94849752,
      swapIn: 12,
      swapOut: 34,
      faults: 103433609,
      majorFaults: 3099,
    });
    expect(() => parseVmstat('pgpgin 1\n', '/h/proc/vmstat')).toThrow('malformed /h/proc/vmstat: no pgpgout line');
  });
});

describe('paging scraper', () => {
  it('reports usage per device and counters by direction and type', async () => {
    const sink = new RecordingSink();
    await createPagingScraper(FIXTURE_PATHS).scrape(sink);
    expect(sink.value('system.paging.usage', { device: '/dev/sda2', state: 'used' })).toBe(97148 * 1024);
    expect(sink.value('system.paging.usage', { device: '/dev/sda2', state: 'free' })).toBe(2000000 * 1024);
    expect(sink.value('system.paging.utilization', { device: '/swap file', state: 'free' })).toBe(1);
    expect(sink.value('system.paging.operations', { direction: 'page_in', type: 'major' })).toBe(12);
    expect(sink.value('system.paging.operations', { direction: 'page_out', type: 'major' })).toBe(34);
    expect(sink.value('system.paging.operations', { direction: 'page_in', type: 'minor' })).toBe(4554397);
    expect(sink.value('system.paging.operations', { direction: 'page_out', type: 'minor' })).toBe(94849752);
    expect(sink.value('system.paging.faults', { type: 'major' })).toBe(3099);
    expect(sink.value('system.paging.faults', { type: 'minor' })).toBe(103433609 - 3099);
  });

  it('reports only the counters when there is no /proc/swaps', async () => {
    const root = mkdtempSync(join(tmpdir(), 'cairn-paging-'));
    try {
      mkdirSync(join(root, 'proc'));
      copyFileSync(join(FIXTURE_ROOT, 'proc/vmstat'), join(root, 'proc/vmstat'));
      const sink = new RecordingSink();
      await createPagingScraper({ root }).scrape(sink);
      expect(sink.names()).toEqual(['system.paging.faults', 'system.paging.operations']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('reads this machine', async () => {
    const sink = new RecordingSink();
    await createPagingScraper(HOST_PATHS).scrape(sink);
    expect(sink.named('system.paging.faults')).toHaveLength(2);
    expect(sink.named('system.paging.operations')).toHaveLength(4);
  });
});
