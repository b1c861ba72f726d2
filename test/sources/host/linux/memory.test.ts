import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createMemoryScraper, memoryStates, parseMeminfo } from '../../../../src/sources/host/linux/memory.js';
import { FIXTURE_PATHS, HOST_PATHS } from '../fixtures/host-config.js';
import { RecordingSink } from '../fixtures/recording-sink.js';

const KiB = 1024;
const SUM_STATES = ['used', 'free', 'buffered', 'cached', 'slab_reclaimable'];

describe('parseMeminfo', () => {
  it('reads the fields the states are made of, in bytes', () => {
    const m = parseMeminfo(readFileSync(`${FIXTURE_PATHS.root}/proc/meminfo`, 'utf8'));
    expect(m).toEqual({
      total: 8000000 * KiB,
      free: 1000000 * KiB,
      buffers: 200000 * KiB,
      cached: 3000000 * KiB,
      slabReclaimable: 400000 * KiB,
      slabUnreclaimable: 100000 * KiB,
    });
  });

  it('counts fields an old kernel lacks as 0 and requires MemTotal and MemFree', () => {
    expect(parseMeminfo('MemTotal: 100 kB\nMemFree: 40 kB\nBuffers: 10 kB\nCached: 20 kB\n')).toMatchObject({
      total: 100 * KiB,
      slabReclaimable: 0,
    });
    expect(() => parseMeminfo('MemFree: 40 kB\n', '/h/proc/meminfo')).toThrow('malformed /h/proc/meminfo: no MemTotal line');
    expect(() => parseMeminfo('MemTotal: 100 kB\n')).toThrow('no MemFree line');
  });

  it('makes used the rest, so used, free, buffered, cached and slab_reclaimable add up to MemTotal', () => {
    const states = new Map(memoryStates(parseMeminfo('MemTotal: 100 kB\nMemFree: 40 kB\nBuffers: 10 kB\nCached: 20 kB\nSReclaimable: 5 kB\nSUnreclaim: 3 kB\n')));
    expect(states.get('used')).toBe(25 * KiB);
    expect(states.get('slab_unreclaimable')).toBe(3 * KiB);
  });
});

describe('memory scraper', () => {
  it('reports states that add up to MemTotal on this machine', async () => {
    const sink = new RecordingSink();
    await createMemoryScraper(HOST_PATHS).scrape(sink);
    const total = Number(/^MemTotal:\s+(\d+) kB$/m.exec(readFileSync('/proc/meminfo', 'utf8'))![1]) * KiB;
    expect(sink.one('system.memory.limit')).toMatchObject({ kind: 'upDown', value: total, attributes: {} });
    const usage = sink.named('system.memory.usage');
    expect(usage.map((p) => p.attributes.state).sort()).toEqual(
      ['buffered', 'cached', 'free', 'slab_reclaimable', 'slab_unreclaimable', 'used'],
    );
    expect(usage.every((p) => p.kind === 'upDown' && p.metric.int === true && p.metric.unit === 'By')).toBe(true);
    expect(SUM_STATES.reduce((sum, state) => sum + sink.value('system.memory.usage', { state }), 0)).toBe(total);
    const utilization = SUM_STATES.reduce((sum, state) => sum + sink.value('system.memory.utilization', { state }), 0);
    expect(utilization).toBeCloseTo(1, 9);
  });

  it('names the file it could not read', async () => {
    await expect(createMemoryScraper({ root: '/nonexistent-root' }).scrape(new RecordingSink())).rejects.toThrow(
      'cannot read /nonexistent-root/proc/meminfo: ENOENT',
    );
  });
});
