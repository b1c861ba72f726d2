import { describe, expect, it } from 'vitest';
import { HostCollector } from '../../../src/sources/host/collector.js';
import type { MetricInfo, Scraper } from '../../../src/sources/host/scraper.js';
import { localOrigin } from '../../../src/sources/kit/index.js';
import type { Logger } from '../../../src/log/index.js';
import type { Batch } from '../../../src/model/index.js';
import { PointFlag } from '../../../src/model/index.js';
import { Registry } from '../../../src/telemetry/index.js';
import { waitFor } from '../../support/agent.js';

const UP: MetricInfo = { name: 'test.up', unit: '1', description: 'up', int: true };
const INTERVAL = 1000;

function gaugeScraper(name: Scraper['name'], value: number): Scraper {
  return { name, scrape: async (sink) => sink.gauge(UP, [['scraper', name]], value) };
}

function setup(scrapers: Scraper[]) {
  const batches: { batch: Batch; source: string }[] = [];
  const warnings: string[] = [];
  const logger: Logger = { debug() {}, info() {}, error() {}, warn: (_m, f) => warnings.push(String(f?.error)) };
  const registry = new Registry();
  const known = new Set<string>();
  const collector = new HostCollector({
    scrapers,
    intervalMs: INTERVAL,
    origin: localOrigin([['host.name', 'h1']], 'cairn/hostmetrics'),
    bootTimeMs: 1_000,
    append: async (batch, source) => {
      batches.push({ batch, source });
      for (const d of batch.definitions) if (d !== undefined) known.add(`${d.hashHi}:${d.hashLo}`);
    },
    hasSeries: (hi, lo) => known.has(`${hi}:${lo}`),
    registry,
    logger,
  });
  const values = (b: Batch): number[] => Array.from(b.values.subarray(0, b.pointCount));
  return { collector, batches, warnings, registry, values };
}

describe('HostCollector', () => {
  it('stores one batch per tick, stamped with the tick, with definitions only for new series', async () => {
    const t = setup([gaugeScraper('cpu', 1), gaugeScraper('memory', 2)]);
    await t.collector.collect(10_000);
    await t.collector.collect(11_000);
    expect(t.batches).toHaveLength(2);
    const [first, second] = t.batches.map((b) => b.batch);
    expect(t.batches[0]!.source).toBe('host');
    expect(first!.pointCount).toBe(2);
    expect(Array.from(first!.timeMs.subarray(0, 2))).toEqual([10_000, 10_000]);
    expect(Array.from(second!.timeMs.subarray(0, 2))).toEqual([11_000, 11_000]);
    expect(t.values(first!).sort()).toEqual([1, 2]);
    expect(first!.flags[0]! & PointFlag.INT).toBe(PointFlag.INT);
    const def = first!.definitions[0]!;
    expect(def.name).toBe('test.up');
    expect(def.kind).toBe('gauge');
    expect(def.resource).toEqual([['host.name', 'h1']]);
    expect(def.scopeName).toBe('cairn/hostmetrics');
    expect(second!.definitions.every((d) => d === undefined)).toBe(true);
    // The same series keeps its identity from tick to tick.
    expect(second!.seriesHashes[0]).toBe(first!.seriesHashes[0]);
  });

  it('a scraper that throws is counted and logged once per distinct error; the others go on', async () => {
    let calls = 0;
    const failing: Scraper = {
      name: 'disk',
      scrape: async (sink) => {
        calls++;
        sink.gauge(UP, [['scraper', 'disk']], 7); // reported before failing: kept
        throw new Error(calls < 3 ? 'cannot read diskstats' : 'another failure');
      },
    };
    const t = setup([failing, gaugeScraper('cpu', 1)]);
    for (let i = 0; i < 4; i++) await t.collector.collect(10_000 + i * INTERVAL);
    expect(t.batches).toHaveLength(4);
    for (const { batch } of t.batches) expect(t.values(batch).sort()).toEqual([1, 7]);
    expect(t.registry.value('cairn_host_scrape_errors_total', { scraper: 'disk' })).toBe(4);
    expect(t.registry.value('cairn_host_scrape_errors_total', { scraper: 'cpu' })).toBe(0);
    expect(t.warnings).toEqual(['cannot read diskstats', 'another failure']);
  });

  it('a scraper still running at its next tick is skipped and counted; the others are stored on time', async () => {
    let release!: () => void;
    const slow: Scraper = {
      name: 'filesystem',
      scrape: (sink) =>
        new Promise<void>((resolve) => {
          release = () => {
            sink.gauge(UP, [['scraper', 'filesystem']], 9);
            resolve();
          };
        }),
    };
    const t = setup([slow, gaugeScraper('cpu', 1)]);
    const first = t.collector.collect(10_000);
    // The tick stores what it has after most of the interval, without the slow scraper.
    await new Promise((r) => setTimeout(r, INTERVAL * 0.8 + 100));
    expect(t.batches).toHaveLength(1);
    expect(t.values(t.batches[0]!.batch)).toEqual([1]);
    await t.collector.collect(11_000);
    expect(t.registry.value('cairn_host_scrapes_skipped_total', { scraper: 'filesystem' })).toBe(1);
    expect(t.registry.value('cairn_host_scrapes_total', { scraper: 'filesystem' })).toBe(1);
    expect(t.batches).toHaveLength(2);
    release();
    await first;
    // The late scrape is stored on its own, with its own tick's timestamp.
    expect(t.batches).toHaveLength(3);
    expect(t.values(t.batches[2]!.batch)).toEqual([9]);
    expect(t.batches[2]!.batch.timeMs[0]).toBe(10_000);
    expect(t.registry.value('cairn_host_scrape_seconds_total', { scraper: 'filesystem' })).toBeGreaterThan(0.5);
  });

  it('counts points the store refuses and keeps collecting', async () => {
    const t = setup([gaugeScraper('cpu', 1)]);
    let refuse = true;
    const collector = new HostCollector({
      scrapers: [gaugeScraper('cpu', 1)],
      intervalMs: INTERVAL,
      origin: localOrigin([], 'cairn/hostmetrics'),
      bootTimeMs: 0,
      append: async (batch) => {
        if (refuse) throw new Error('disk full');
        t.batches.push({ batch, source: 'host' });
      },
      hasSeries: () => false,
      registry: t.registry,
      logger: { debug() {}, info() {}, error() {}, warn: (_m, f) => t.warnings.push(String(f?.error)) },
    });
    await collector.collect(1_000);
    refuse = false;
    await collector.collect(2_000);
    expect(t.registry.value('cairn_host_points_dropped_total', { reason: 'store' })).toBe(1);
    expect(t.batches).toHaveLength(1);
    expect(t.warnings).toEqual(['host points not stored: disk full']);
  });

  it('ticks at multiples of the interval once started, and stops', async () => {
    const t = setup([gaugeScraper('cpu', 1)]);
    t.collector.start();
    await waitFor(() => t.batches.length >= 2, 5 * INTERVAL, 'two ticks');
    await t.collector.stop();
    const n = t.batches.length;
    expect(n).toBeGreaterThanOrEqual(2);
    for (const { batch } of t.batches) expect(batch.timeMs[0]! % INTERVAL).toBe(0);
    await new Promise((r) => setTimeout(r, INTERVAL + 100));
    expect(t.batches).toHaveLength(n);
  });
});
