// Rollup tiers in a store: the rows tiers 1 and 2 hold for random series (gauges, counters with
// resets, stale markers) equal the raw computation, a tier whose files are lost is rebuilt from
// the lower one, and stitching hands over from tier to raw without a gap or a double count.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RollupColumns } from '../../../src/query/index.js';
import type { DiskStore } from '../../../src/store/index.js';
import type { RawSeries } from '../../support/rollup-series.js';
import { randomSeries, referenceRows } from '../../support/rollup-series.js';
import { appendSeries, gaugeDefinition, startTierStore } from '../../support/tier-store.js';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 1);
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function fixture(): { dir: string; series: (RawSeries & { name: string })[] } {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-tiers-'));
  dirs.push(dir);
  const kinds = ['gauge', 'counter', 'bucket', 'gauge', 'counter'] as const;
  const series = kinds.map((k, i) => ({ ...randomSeries(100 + i, k, 4000, T0, 10_000), name: `s${i}` }));
  return { dir, series };
}

async function rowsOf(store: Awaited<ReturnType<typeof startTierStore>>['store'], name: string, tier: number): Promise<{ rows: RollupColumns; tiers: number }> {
  const q = store.querier();
  for await (const s of q.selectRollups!([{ name: '__name__', type: '=', value: name }], -Infinity, Infinity, tier)) return { rows: s.rows, tiers: s.tiers };
  throw new Error(`no rows for ${name}`);
}

/** The rows from tier `tier` (those ending on its grid up to its newest complete bucket) equal the raw computation at its resolution. */
function expectTierRows(got: RollupColumns, s: RawSeries, res: number, exactSums: boolean): number {
  const ref = new Map(referenceRows(s, res).map((r) => [r.end, r]));
  let checked = 0;
  for (let i = 0; i < got.length; i++) {
    const e = ref.get(got.end[i]!);
    if (got.end[i]! % res !== 0 || e === undefined) continue;
    // A row of a tier ends on its grid; a raw sample stitched after it may too, by chance: skip one-sample rows of raw.
    if (got.count[i] !== e.count) continue;
    checked++;
    expect([got.firstT[i], got.lastT[i], got.endsStale[i]]).toEqual(e.count > 0 ? [e.firstT, e.lastT, e.endsStale] : [got.firstT[i], got.lastT[i], e.endsStale]);
    if (e.count === 0) continue;
    for (const k of ['first', 'last', 'min', 'max'] as const) expect(Number.isNaN(e[k]) ? Number.isNaN(got[k][i]!) : got[k][i]).toBe(Number.isNaN(e[k]) ? true : e[k]);
    for (const k of ['sum', 'resets'] as const) {
      if (Number.isNaN(e[k])) expect(got[k][i]).toBeNaN();
      else if (exactSums) expect(got[k][i]).toBe(e[k]);
      else expect(Math.abs(got[k][i]! - e[k])).toBeLessThanOrEqual(Math.abs(e[k]) * 1e-12);
    }
  }
  return checked;
}

/** The store on `dir`, once its tiers' catch-up is over (meanwhile the series it holds are served from raw pages). */
async function openCaughtUp(dir: string): Promise<DiskStore> {
  const { store } = await startTierStore(dir);
  await store.tiersCaughtUp();
  return store;
}

/** A fixture's series appended to a store on a fresh directory, and the store shut down (every pending row written). */
async function filledAndStopped(): Promise<ReturnType<typeof fixture>> {
  const f = fixture();
  const { store } = await startTierStore(f.dir);
  await appendSeries(store, f.series.map((s) => ({ def: gaugeDefinition(s.name, { k: 'v' }), timestamps: s.timestamps, values: s.values })));
  await store.shutdown(0);
  return f;
}

/** Read with each of `tiers` preferred, every series' rows come from that tier and hold each raw sample once, in time order. */
async function expectEverySampleOnce(store: DiskStore, series: readonly (RawSeries & { name: string })[], tiers: readonly number[]): Promise<void> {
  for (const s of series) {
    const live = referenceRows(s, MINUTE).reduce((n, r) => n + r.count, 0);
    for (const tier of tiers) {
      const { rows, tiers: from } = await rowsOf(store, s.name, tier);
      expect(from & (1 << tier)).toBe(1 << tier);
      let n = 0;
      for (let i = 0; i < rows.length; i++) n += rows.count[i]!;
      expect(n, `${s.name} tier ${tier}`).toBe(live);
      for (let i = 1; i < rows.length; i++) expect(rows.end[i]!).toBeGreaterThan(rows.end[i - 1]!);
    }
  }
}

describe('rollup tiers in the store', () => {
  it('tier 1 and tier 2 rows equal the raw computation; a lost tier is rebuilt from the lower one', async () => {
    const { dir, series } = await filledAndStopped();
    let store = await openCaughtUp(dir);
    for (const s of series) {
      const exact = s.kind !== 'gauge';
      const t1 = await rowsOf(store, s.name, 1);
      expect(t1.tiers & 2).toBe(2);
      expect(expectTierRows(t1.rows, s, MINUTE, exact)).toBeGreaterThan(600);
      const t2 = await rowsOf(store, s.name, 2);
      expect(t2.tiers & 4).toBe(4);
      expect(expectTierRows(t2.rows, s, HOUR, exact)).toBeGreaterThan(8);
    }
    await store.shutdown(0);

    // Both tiers lost: rebuilt from raw (tier 1) and then tier 1 (tier 2) on the next start.
    rmSync(join(dir, 'tier1'), { recursive: true });
    rmSync(join(dir, 'tier2'), { recursive: true });
    ({ store } = await startTierStore(dir));
    await store.shutdown(0);
    store = await openCaughtUp(dir);
    for (const s of series) {
      const exact = s.kind !== 'gauge';
      expect(expectTierRows((await rowsOf(store, s.name, 1)).rows, s, MINUTE, exact)).toBeGreaterThan(600);
      expect(expectTierRows((await rowsOf(store, s.name, 2)).rows, s, HOUR, exact)).toBeGreaterThan(8);
    }
    await store.shutdown(0);
  });

  it('a tier 1 rebuilt beneath an intact tier 2 hands on only what tier 2 lacks: no sample counted twice', async () => {
    const { dir, series } = await filledAndStopped();
    rmSync(join(dir, 'tier1'), { recursive: true });
    let store = await openCaughtUp(dir);
    await store.shutdown(0);
    store = await openCaughtUp(dir);
    await expectEverySampleOnce(store, series, [1, 2]);
    for (const s of series) expect(expectTierRows((await rowsOf(store, s.name, 2)).rows, s, HOUR, s.kind !== 'gauge')).toBeGreaterThan(8);
    await store.shutdown(0);
  });

  it('stitched rows have every sample once: counts add up to the raw sample count', async () => {
    const { dir, series } = await filledAndStopped();
    const store = await openCaughtUp(dir);
    await expectEverySampleOnce(store, series, [0, 1, 2]);
    await store.shutdown(0);
  });
});
