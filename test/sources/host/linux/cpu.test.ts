import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CPU_STATES, createCpuScraper, parseCpuStat } from '../../../../src/sources/host/linux/cpu.js';
import { RecordingSink } from '../fixtures/recording-sink.js';
import { HOST_PATHS } from '../fixtures/host-config.js';

const STAT = `cpu  640242 0 67561 705168 11909 0 4821 79032 0 0
cpu0 318272 1 31678 356991 5018 2 2122 40200 0 0
cpu1 321970 0 35883 348176 6891 0 2698 38831 0 0
intr 9255802 0 0 0 0
ctxt 38165086
btime 1795304778
`;

describe('parseCpuStat', () => {
  it('reads the per-CPU lines in state order and skips the total', () => {
    const parsed = parseCpuStat(STAT);
    expect(parsed.map((c) => c.cpu)).toEqual(['cpu0', 'cpu1']);
    expect(CPU_STATES).toEqual(['user', 'nice', 'system', 'idle', 'wait', 'interrupt', 'softirq', 'steal']);
    expect([...parsed[0]!.ticks]).toEqual([318272, 1, 31678, 356991, 5018, 2, 2122, 40200]);
  });

  it('counts the columns an old kernel does not have as 0', () => {
    const [cpu0] = parseCpuStat('cpu  1 2 3 4\ncpu0 10 20 30 40 50\nintr 0\n');
    expect([...cpu0!.ticks]).toEqual([10, 20, 30, 40, 50, 0, 0, 0]);
  });

  it('names the file when the text is malformed', () => {
    expect(() => parseCpuStat('cpu0 1 2\n', '/h/proc/stat')).toThrow('malformed /h/proc/stat: cpu0 has 2 columns');
    expect(() => parseCpuStat('intr 0\n', '/proc/stat')).toThrow('malformed /proc/stat: no per-CPU lines');
    expect(() => parseCpuStat('cpu0 1 2 x 4\n', '/proc/stat')).toThrow('"x"');
  });
});

describe('cpu scraper on this machine', () => {
  it('reports one non-decreasing time series per cpu and state, and utilization from the second scrape', async () => {
    const scraper = createCpuScraper(HOST_PATHS);
    const first = new RecordingSink();
    await scraper.scrape(first);
    const expected = cpus().length;
    const times = first.named('system.cpu.time');
    expect(times).toHaveLength(expected * CPU_STATES.length);
    expect(new Set(times.map((p) => `${p.attributes.cpu}/${p.attributes.state}`)).size).toBe(times.length);
    expect(times.every((p) => p.kind === 'counter' && p.metric.unit === 's')).toBe(true);
    expect(first.named('system.cpu.utilization')).toHaveLength(0);
    expect(first.one('system.cpu.logical.count')).toMatchObject({ kind: 'upDown', value: expected });

    await busy(30);
    const second = new RecordingSink();
    await scraper.scrape(second);
    for (const p of second.named('system.cpu.time')) {
      expect(p.value).toBeGreaterThanOrEqual(first.value('system.cpu.time', p.attributes));
    }
    const utilization = second.named('system.cpu.utilization');
    expect(utilization.length).toBeGreaterThan(0);
    for (let i = 0; i < expected; i++) {
      const shares = second.named('system.cpu.utilization', { cpu: `cpu${i}` });
      if (shares.length === 0) continue; // no tick passed on that CPU
      expect(shares.every((p) => p.value >= 0 && p.value <= 1)).toBe(true);
      expect(shares.reduce((sum, p) => sum + p.value, 0)).toBeCloseTo(1, 9);
    }
  });

  it('converts ticks with USER_HZ', async () => {
    const sink = new RecordingSink();
    await createCpuScraper(HOST_PATHS, { constants: async () => ({ clockTicksPerSecond: 100, pageSizeBytes: 4096 }) }).scrape(sink);
    const raw = parseCpuStat(readFileSync('/proc/stat', 'utf8'))[0]!;
    // Read after the scrape, so the counter can only have grown.
    expect(sink.value('system.cpu.time', { cpu: raw.cpu, state: 'user' })).toBeLessThanOrEqual(raw.ticks[0]! / 100);
  });
});

describe('cpu scraper on a root with changing counters', () => {
  it('reports each state\'s share of the ticks since the last scrape and never lets a counter go back', async () => {
    const root = mkdtempSync(join(tmpdir(), 'cairn-cpu-'));
    try {
      mkdirSync(join(root, 'proc'));
      const write = (cpu0: string): void => writeFileSync(join(root, 'proc/stat'), `cpu  0 0 0 0\ncpu0 ${cpu0}\nbtime 1\n`);
      const scraper = createCpuScraper({ root }, { constants: async () => ({ clockTicksPerSecond: 100, pageSizeBytes: 4096 }) });
      write('100 0 100 700 100 0 0 0');
      await scraper.scrape(new RecordingSink());
      // 100 more user, 100 more idle, and iowait stepping back by 50 (a tickless-kernel quirk).
      write('200 0 100 800 50 0 0 0');
      const sink = new RecordingSink();
      await scraper.scrape(sink);
      expect(sink.value('system.cpu.time', { cpu: 'cpu0', state: 'wait' })).toBe(1);
      expect(sink.value('system.cpu.time', { cpu: 'cpu0', state: 'user' })).toBe(2);
      expect(sink.value('system.cpu.utilization', { cpu: 'cpu0', state: 'user' })).toBe(0.5);
      expect(sink.value('system.cpu.utilization', { cpu: 'cpu0', state: 'idle' })).toBe(0.5);
      expect(sink.value('system.cpu.utilization', { cpu: 'cpu0', state: 'wait' })).toBe(0);

      // No tick passed: no utilization rather than 0/0.
      const still = new RecordingSink();
      await scraper.scrape(still);
      expect(still.named('system.cpu.utilization')).toHaveLength(0);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

async function busy(ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) await new Promise((r) => setImmediate(r));
}
