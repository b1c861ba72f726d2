// Many simulated weeks into a small budget: every ring stays within its share (plus one of its
// datafiles), the whole directory within the budget plus one datafile per ring, and once raw
// data and tier 1 have aged out, tier 2 still answers for the old span. The store's periodic
// maintenance runs after each simulated day, as its timer would over a real day.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { defaultConfig } from '../../../src/config/index.js';
import { createQueryEngine } from '../../../src/query/index.js';
import type { DiskStore } from '../../../src/store/index.js';
import { rawShareBytes, tierSettings } from '../../../src/store/tiers/tier-settings.js';
import type { RawSeries } from '../../support/rollup-series.js';
import { randomSeries, referenceRows } from '../../support/rollup-series.js';
import { appendSeries, gaugeDefinition, startTierStore } from '../../support/tier-store.js';

const KiB = 1024;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEKS = 10;
const T0 = Date.UTC(2026, 0, 5);
// Shares that let tier 2 outlive tier 1 many times over with these series (gauges, no sketches).
const ROLLUPS = { tier1: { ...defaultConfig.rollups.tier1, disk_share: 15 }, tier2: { ...defaultConfig.rollups.tier2, disk_share: 40 } };
const STORE = { max_disk_bytes: 1024 * KiB, datafile_bytes: 64 * KiB, page_points: 360, page_max_age: 3_600_000 };
let dir: string;
let store: DiskStore;
let series: (RawSeries & { j: number })[];
const worst = { raw: 0, tier1: 0, tier2: 0, total: 0 };

function bytesUnder(path: string): number {
  let n = 0;
  for (const name of readdirSync(path)) {
    const p = join(path, name);
    const st = statSync(p);
    n += st.isDirectory() ? bytesUnder(p) : st.size;
  }
  return n;
}

function sample(): void {
  const tiers = ['tier1', 'tier2'].map((t) => bytesUnder(join(dir, t)));
  const total = bytesUnder(dir);
  worst.tier1 = Math.max(worst.tier1, tiers[0]!);
  worst.tier2 = Math.max(worst.tier2, tiers[1]!);
  worst.raw = Math.max(worst.raw, total - tiers[0]! - tiers[1]!);
  worst.total = Math.max(worst.total, total);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cairn-tier-budget-'));
  ({ store } = await startTierStore(dir, STORE, ROLLUPS));
  // 8 gauges, one sample a minute, appended a day at a time with the directory measured after each.
  series = Array.from({ length: 8 }, (_, j) => ({ ...randomSeries(900 + j, 'gauge', WEEKS * 7 * 1440, T0, 60_000), j }));
  const defs = series.map((s) => gaugeDefinition('weeks_gauge', { j: String(s.j) }));
  for (let day = 0; day < WEEKS * 7; day++) {
    const from = day * 1440;
    await appendSeries(store, series.map((s, k) => ({ def: defs[k]!, timestamps: s.timestamps.subarray(from, from + 1440), values: s.values.subarray(from, from + 1440) })));
    await store.maintain();
    sample();
  }
}, 120_000);

afterAll(async () => {
  await store.shutdown(0);
  rmSync(dir, { recursive: true, force: true });
});

describe('rollup tiers over many simulated weeks', () => {
  const config = { store: { ...defaultConfig.store, ...STORE }, rollups: { ...defaultConfig.rollups, ...ROLLUPS } };
  const tiers = tierSettings(config);

  it('keeps each ring within its share and the directory within the budget plus one datafile per ring', () => {
    const [t1, t2] = tiers;
    expect(worst.tier1, JSON.stringify(worst)).toBeLessThanOrEqual(t1!.shareBytes + t1!.datafileBytes);
    expect(worst.tier2, JSON.stringify(worst)).toBeLessThanOrEqual(t2!.shareBytes + t2!.datafileBytes);
    expect(worst.raw, JSON.stringify(worst)).toBeLessThanOrEqual(rawShareBytes(config) + STORE.datafile_bytes);
    expect(worst.total, JSON.stringify(worst)).toBeLessThanOrEqual(STORE.max_disk_bytes + STORE.datafile_bytes + t1!.datafileBytes + t2!.datafileBytes);
  });

  it('answers from tier 2 a span that raw data and tier 1 no longer hold', async () => {
    // Three days, 45 days before the newest sample: past what raw data (about a day) and tier 1
    // (about 9 days) hold in their shares, well within tier 2's (about 60).
    const newest = Math.max(...series.map((s) => s.timestamps[s.timestamps.length - 1]!));
    const endMs = Math.floor((newest - 42 * DAY) / HOUR) * HOUR;
    const span = { startMs: endMs - 3 * DAY, endMs, stepMs: HOUR };
    const q = store.querier();
    expect(q.rawHorizon!()).toBeGreaterThan(span.endMs);
    const matchers = [{ name: '__name__', type: '=' as const, value: 'weeks_gauge' }];
    for (const tier of [1, 2]) {
      let n = 0;
      for await (const s of q.selectRollups!(matchers, span.startMs, span.endMs, tier)) {
        expect(s.tiers, `rows read with tier=${tier} come from tier 2 only`).toBe(1 << 2);
        n++;
      }
      expect(n).toBe(8);
    }
    const t2 = await createQueryEngine({ querier: q }).range({ query: 'count_over_time(weeks_gauge[1h])', ...span, tier: 2 });
    // Tier 2 holds every hour of it for the 8 series: each count is that hour's samples.
    expect(t2.value.kind).toBe('matrix');
    if (t2.value.kind !== 'matrix') return;
    expect(t2.value.series).toHaveLength(8);
    let checked = 0;
    for (const got of t2.value.series) {
      const s = series[Number(labelOf(got.labels))]!;
      const want = new Map(referenceRows(s, HOUR).map((r) => [r.end, r.count]));
      got.timestamps.forEach((t, i) => {
        expect(got.values[i], `series ${labelOf(got.labels)} at ${new Date(t).toISOString()}`).toBe(want.get(t));
        checked++;
      });
    }
    expect(checked).toBeGreaterThan(8 * 70);
  });
});

function labelOf(labels: readonly (readonly [string, string])[]): string {
  return labels.find(([k]) => k === 'j')?.[1] ?? '';
}

describe('a backlog of rollup rows', () => {
  it('is written in pages of page_rows and extents that fit a datafile: 72,000 rows of one series, no file past its size', async () => {
    const backlogDir = mkdtempSync(join(tmpdir(), 'cairn-tier-backlog-'));
    try {
      const { store: s } = await startTierStore(backlogDir, STORE, ROLLUPS);
      // 50 days of one series at once (more rows than one page can hold), then one maintenance run.
      const one = randomSeries(77, 'gauge', 50 * 1440, T0, 60_000);
      await appendSeries(s, [{ def: gaugeDefinition('backlog_gauge', {}), ...one }], 50 * DAY);
      // Pages are cut from the head in the background: wait until tier 1 has all but the head's last page.
      await vi.waitFor(() => expect(s.usage().tierStats![0]!.pointsIn).toBeGreaterThanOrEqual(one.timestamps.length - STORE.page_points), { timeout: 20_000 });
      await s.maintain();
      const [t1, t2] = tierSettings({ store: { ...defaultConfig.store, ...STORE }, rollups: { ...defaultConfig.rollups, ...ROLLUPS } });
      for (const [t, settings] of [['tier1', t1!], ['tier2', t2!]] as const) {
        for (const f of readdirSync(join(backlogDir, t)).filter((n) => n.endsWith('.cdf'))) expect(statSync(join(backlogDir, t, f)).size, `${t}/${f}`).toBeLessThanOrEqual(settings.datafileBytes);
      }
      const usage = s.usage();
      expect(usage.tierStats![0]!.rowsWritten).toBeGreaterThan(65_536);
      expect(usage.tierStats![1]!.rowsWritten).toBeGreaterThan(0);
      // Tier 2 holds the newest days it has room for, every sample of them once (its oldest row may
      // be the newer part of an hour whose older part went with a deleted file).
      const live = new Map(referenceRows(one, HOUR).map((r) => [r.end, r.count]));
      let hours = 0;
      for await (const r of s.querier().selectRollups!([{ name: '__name__', type: '=', value: 'backlog_gauge' }], -Infinity, Infinity, 2)) {
        for (let i = 1; i < r.rows.length; i++) if (r.rows.end[i]! % HOUR === 0 && live.has(r.rows.end[i]!)) {
          expect(r.rows.count[i]).toBe(live.get(r.rows.end[i]!));
          hours++;
        }
      }
      expect(hours).toBeGreaterThan(24 * 7);
      await s.shutdown(0);
    } finally {
      rmSync(backlogDir, { recursive: true, force: true });
    }
  });
});
