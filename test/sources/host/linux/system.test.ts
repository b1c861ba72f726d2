import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, uptime } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBootTimeMs, readBootTimeMs } from '../../../../src/sources/host/linux/boot-time.js';
import { readHostId } from '../../../../src/sources/host/linux/host-id.js';
import { createLoadScraper, parseLoadavg } from '../../../../src/sources/host/linux/load.js';
import { createProcessesScraper, parseProcessCounts } from '../../../../src/sources/host/linux/processes.js';
import { createUptimeScraper, parseUptime } from '../../../../src/sources/host/linux/uptime.js';
import { FIXTURE_PATHS, FIXTURE_ROOT, HOST_PATHS } from '../fixtures/host-config.js';
import { RecordingSink } from '../fixtures/recording-sink.js';

describe('load', () => {
  it('parses the three averages', () => {
    expect(parseLoadavg('0.10 1.11 1.97 1/82 19236\n')).toEqual({ m1: 0.1, m5: 1.11, m15: 1.97 });
    expect(() => parseLoadavg('0.10\n', '/proc/loadavg')).toThrow('malformed /proc/loadavg');
  });

  it('reports three gauges in {thread}', async () => {
    const sink = new RecordingSink();
    await createLoadScraper(HOST_PATHS).scrape(sink);
    expect(sink.names()).toEqual(['system.cpu.load_average.15m', 'system.cpu.load_average.1m', 'system.cpu.load_average.5m']);
    expect(sink.points.every((p) => p.kind === 'gauge' && p.metric.unit === '{thread}' && p.value >= 0)).toBe(true);
  });
});

describe('uptime', () => {
  it('parses seconds since boot', () => {
    expect(parseUptime('7453.77 7051.68\n')).toBe(7453.77);
  });

  it('reports a double gauge close to what Node says', async () => {
    const sink = new RecordingSink();
    await createUptimeScraper(HOST_PATHS).scrape(sink);
    expect(sink.one('system.uptime')).toMatchObject({ kind: 'gauge', metric: { unit: 's' } });
    expect(Math.abs(sink.value('system.uptime') - uptime())).toBeLessThan(5);
  });
});

describe('processes', () => {
  it('parses running, blocked and created', () => {
    expect(parseProcessCounts(readFileSync(`${FIXTURE_ROOT}/proc/stat`, 'utf8'))).toEqual({ running: 3, blocked: 1, created: 84165 });
  });

  it('reports counts by status and the created counter', async () => {
    const sink = new RecordingSink();
    await createProcessesScraper(HOST_PATHS).scrape(sink);
    expect(sink.one('system.processes.count', { status: 'running' }).value).toBeGreaterThanOrEqual(1);
    expect(sink.one('system.processes.count', { status: 'blocked' }).kind).toBe('upDown');
    expect(sink.one('system.processes.created')).toMatchObject({ kind: 'counter', metric: { unit: '{processes}' } });
  });
});

describe('boot time and host id', () => {
  it('reads btime in milliseconds', async () => {
    expect(parseBootTimeMs('cpu 1\nbtime 1700000000\n')).toBe(1_700_000_000_000);
    expect(await readBootTimeMs(FIXTURE_PATHS)).toBe(1_700_000_000_000);
    const hostBoot = await readBootTimeMs(HOST_PATHS);
    expect(Math.abs(hostBoot - (Date.now() - uptime() * 1000))).toBeLessThan(5000);
  });

  it('reads /etc/machine-id, then the D-Bus copy, else nothing', async () => {
    expect(await readHostId(FIXTURE_PATHS)).toBe('0123456789abcdef0123456789abcdef');
    expect(await readHostId({ root: '/nonexistent-root' })).toBeUndefined();
    const root = mkdtempSync(join(tmpdir(), 'cairn-hostid-'));
    try {
      mkdirSync(join(root, 'etc'));
      mkdirSync(join(root, 'var/lib/dbus'), { recursive: true });
      writeFileSync(join(root, 'etc/machine-id'), 'uninitialized\n');
      writeFileSync(join(root, 'var/lib/dbus/machine-id'), 'fedcba9876543210fedcba9876543210\n');
      expect(await readHostId({ root })).toBe('fedcba9876543210fedcba9876543210');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
