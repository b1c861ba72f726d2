import { describe, expect, it } from 'vitest';
import { createScrapers } from '../../../../src/sources/host/create-scrapers.js';
import { hostConfig } from '../fixtures/host-config.js';
import { RecordingSink } from '../fixtures/recording-sink.js';

// systeminformation calls are slow (processes() lists every process), so each scraper runs
// once or twice here and the checks only ask for the shape of what comes back.
describe('portable scrapers (built on systeminformation)', () => {
  it('cover every scraper but paging, and no per-process metrics', async () => {
    const scrapers = await createScrapers(hostConfig({ process: { enabled: true, top: 3 } }), 'darwin');
    expect(scrapers.map((s) => s.name)).toEqual(['cpu', 'memory', 'load', 'disk', 'filesystem', 'network', 'processes', 'uptime']);
  });

  it('report the receiver\'s metric names', async () => {
    const scrapers = await createScrapers(hostConfig(), 'darwin');
    const sink = new RecordingSink();
    const cpu = scrapers.find((s) => s.name === 'cpu')!;
    await cpu.scrape(new RecordingSink());
    for (const s of scrapers) await s.scrape(sink);

    const names = sink.names();
    for (const name of [
      'system.cpu.time',
      'system.cpu.utilization',
      'system.cpu.logical.count',
      'system.memory.usage',
      'system.memory.limit',
      'system.cpu.load_average.1m',
      'system.filesystem.usage',
      'system.network.io',
      'system.processes.count',
      'system.uptime',
    ]) {
      expect(names).toContain(name);
    }
    const used = sink.value('system.memory.usage', { state: 'used' });
    expect(used).toBeGreaterThan(0);
    const states = ['used', 'free', 'buffered', 'cached'].map((state) => sink.value('system.memory.usage', { state }));
    expect(states.reduce((a, b) => a + b, 0)).toBe(sink.value('system.memory.limit'));
    expect(sink.points.every((p) => Number.isFinite(p.value))).toBe(true);
    expect(sink.named('system.filesystem.usage').every((p) => p.attributes.type !== 'proc')).toBe(true);
  }, 60_000);
});
