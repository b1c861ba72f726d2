import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProcessScraper, parseProcessStat, selectTopProcesses } from '../../../../src/sources/host/linux/process.js';
import { FIXTURE_PATHS, FIXTURE_ROOT, HOST_PATHS } from '../fixtures/host-config.js';
import { RecordingSink, type RecordedPoint } from '../fixtures/recording-sink.js';

const constants = async () => ({ clockTicksPerSecond: 100, pageSizeBytes: 4096 });
const BOOT_MS = 1_700_000_000_000;
const pidsOf = (sink: RecordingSink): string[] => [
  ...new Set(sink.named('process.cpu.time').map((p: RecordedPoint) => p.resource['process.pid']!)),
];

/** A process stat line with the fields the scraper reads; the rest as the kernel writes them. */
const statLine = (pid: number, comm: string, utime: number, stime: number, start: number, vsize = 1000, rss = 10): string =>
  `${pid} (${comm}) S 1 ${pid} ${pid} 0 -1 4194560 100 0 0 0 ${utime} ${stime} 0 0 20 0 1 0 ${start} ${vsize} ${rss} 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n`;

describe('parseProcessStat', () => {
  it('reads a comm holding blanks and parentheses', () => {
    expect(parseProcessStat(readFileSync(`${FIXTURE_ROOT}/proc/202/stat`, 'utf8'))).toEqual({
      pid: 202,
      name: 'web server (1)',
      userTicks: 9000,
      systemTicks: 1000,
      startTicks: 100000,
      virtualBytes: 900000000,
      rssPages: 50000,
    });
    expect(parseProcessStat(statLine(7, ') :-) (', 1, 2, 3)).name).toBe(') :-) (');
  });

  it('names the file when the line is cut short', () => {
    expect(() => parseProcessStat('42 (x) S 1 2 3\n', '/proc/42/stat')).toThrow('malformed /proc/42/stat');
    expect(() => parseProcessStat('42 x S\n', '/proc/42/stat')).toThrow('no (comm) field');
  });
});

describe('selectTopProcesses', () => {
  const p = (pid: number, cpu: number, start = 1) => parseProcessStat(statLine(pid, `p${pid}`, cpu, 0, start));
  it('ranks by ticks since the last scrape, counting new and reused pids in full', () => {
    const previous = new Map([
      [1, { startTicks: 1, cpuTicks: 1000 }],
      [2, { startTicks: 1, cpuTicks: 0 }],
      [3, { startTicks: 1, cpuTicks: 500 }],
    ]);
    const now = [p(1, 1010), p(2, 20), p(3, 530, 99), p(4, 15)];
    // pid 3 is a new process (other start time): all its 530 ticks count.
    expect(selectTopProcesses(now, previous, 3).map((s) => s.pid)).toEqual([3, 2, 4]);
    expect(selectTopProcesses(now, previous, 0)).toEqual([]);
  });

  it('breaks ties by pid', () => {
    expect(selectTopProcesses([p(9, 5), p(3, 5), p(5, 5)], new Map(), 2).map((s) => s.pid)).toEqual([3, 5]);
  });
});

describe('process scraper', () => {
  const roots: string[] = [];
  afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

  it('reports the top N by CPU under their own resource, skipping pids without a stat file and kernel threads', async () => {
    const sink = new RecordingSink();
    await createProcessScraper(FIXTURE_PATHS, { top: 2, constants }).scrape(sink);
    // 303 (kworker, no address space) used more CPU than 101 but is a kernel thread.
    expect(pidsOf(sink)).toEqual(['202', '101']);
    const web = { 'process.pid': '202', 'process.executable.name': 'web server (1)' };
    const points = sink.points.filter((p) => p.resource['process.pid'] === '202');
    expect(points.map((p) => [p.name, p.kind, p.attributes.state ?? '', p.value])).toEqual([
      ['process.cpu.time', 'counter', 'user', 90],
      ['process.cpu.time', 'counter', 'system', 10],
      ['process.memory.usage', 'upDown', '', 50000 * 4096],
      ['process.memory.virtual', 'upDown', '', 900000000],
    ]);
    expect(points.every((p) => p.resource['process.executable.name'] === web['process.executable.name'])).toBe(true);
    // Started 100000 ticks (1000 s) after boot.
    expect(points[0]!.startMs).toBe(BOOT_MS + 1_000_000);
    expect(sink.points.filter((p) => Object.keys(p.resource).length === 0)).toHaveLength(0);
  });

  it('ranks by CPU used since the previous scrape and forgets processes that exited', async () => {
    const root = mkdtempSync(join(tmpdir(), 'cairn-process-'));
    roots.push(root);
    cpSync(FIXTURE_ROOT, root, { recursive: true });
    const scraper = createProcessScraper({ root }, { top: 3, constants });
    await scraper.scrape(new RecordingSink());

    writeFileSync(join(root, 'proc/101/stat'), statLine(101, 'systemd', 5000, 800, 2));
    writeFileSync(join(root, 'proc/202/stat'), statLine(202, 'web server (1)', 9100, 1000, 100000));
    // 404 exited and its pid went to a new process, which used 50 ticks in all.
    writeFileSync(join(root, 'proc/404/stat'), statLine(404, 'new', 40, 10, 900000));
    rmSync(join(root, 'proc/303'), { recursive: true });
    const sink = new RecordingSink();
    await scraper.scrape(sink);
    expect(pidsOf(sink)).toEqual(['101', '202', '404']);
    const reused = sink.points.filter((p) => p.resource['process.pid'] === '404');
    expect(reused[0]!.resource['process.executable.name']).toBe('new');
    expect(reused[0]!.startMs).toBe(BOOT_MS + 9_000_000);
  });

  it('reads this machine, where processes come and go', async () => {
    const scraper = createProcessScraper(HOST_PATHS, { top: 5 });
    for (let i = 0; i < 2; i++) {
      const sink = new RecordingSink();
      await scraper.scrape(sink);
      const pids = pidsOf(sink);
      expect(pids.length).toBeGreaterThan(0);
      expect(pids.length).toBeLessThanOrEqual(5);
      expect(sink.named('process.memory.usage').every((p) => p.value >= 0)).toBe(true);
    }
  });
});
