// Queries over rollup tiers equal the same queries over raw samples where the tier answers
// exactly (aligned steps and ranges); the planner picks the coarsest exact tier, says in infos
// when it falls back or is approximate, and the `tier` parameter forces a tier.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Querier } from '../../src/query/index.js';
import { createQueryEngine } from '../../src/query/index.js';
import type { QueryResult } from '../../src/query/index.js';
import type { DiskStore } from '../../src/store/index.js';
import { randomSeries } from '../support/rollup-series.js';
import { appendSeries, gaugeDefinition, startTierStore } from '../support/tier-store.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 1);
let dir: string;
let store: DiskStore;
const tiersAsked: number[] = [];

/** The store's querier, recording which tier each rollup read asked for. */
function spy(q: Querier): Querier {
  return {
    select: (m, a, b) => q.select(m, a, b),
    selectStream: (m, a, b) => q.selectStream!(m, a, b),
    series: (m, a, b) => q.series(m, a, b),
    labelNames: (m, a, b) => q.labelNames(m, a, b),
    labelValues: (n, m, a, b) => q.labelValues(n, m, a, b),
    tiers: () => q.tiers!(),
    rawHorizon: () => q.rawHorizon!(),
    selectRollups: (m, a, b, tier) => {
      tiersAsked.push(tier);
      return q.selectRollups!(m, a, b, tier);
    },
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cairn-tier-query-'));
  const kinds = ['gauge', 'counter', 'bucket'] as const;
  const series = kinds.flatMap((k, i) => [0, 1].map((j) => ({ ...randomSeries(300 + i * 7 + j, k, 5000, T0, 10_000), name: `m_${k}`, j })));
  ({ store } = await startTierStore(dir));
  await appendSeries(store, series.map((s) => ({ def: gaugeDefinition(s.name, { j: String(s.j) }), timestamps: s.timestamps, values: s.values })));
  await store.shutdown(0);
  ({ store } = await startTierStore(dir));
  // Series the start's catch-up holds are served from raw pages until it is over.
  await store.tiersCaughtUp();
});

afterAll(async () => {
  await store.shutdown(0);
  rmSync(dir, { recursive: true, force: true });
});

function engine() {
  return createQueryEngine({ querier: spy(store.querier()) });
}

function expectSame(a: QueryResult, b: QueryResult, exact: boolean): void {
  expect(a.value.kind).toBe(b.value.kind);
  if (a.value.kind !== 'matrix' || b.value.kind !== 'matrix') return;
  const bs = b.value.series;
  expect(a.value.series.map((s) => s.labels)).toEqual(bs.map((s) => s.labels));
  a.value.series.forEach((s, i) => {
    expect(Array.from(s.timestamps)).toEqual(Array.from(bs[i]!.timestamps));
    s.values.forEach((v, k) => {
      const w = bs[i]!.values[k]!;
      if (exact || Number.isNaN(w)) expect(Object.is(v, w) || (Number.isNaN(v) && Number.isNaN(w))).toBe(true);
      else expect(Math.abs(v - w)).toBeLessThanOrEqual(Math.abs(w) * 1e-9);
    });
  });
  expect(a.value.series.length).toBeGreaterThan(0);
}

const range = { startMs: T0 + 2 * HOUR, endMs: T0 + 13 * HOUR, stepMs: HOUR };

describe('queries over rollup tiers', () => {
  const cases: [string, boolean][] = [
    ['sum_over_time(m_counter[1h])', true],
    ['sum_over_time(m_gauge[2h])', false],
    ['max_over_time(m_gauge[1h])', true],
    ['min_over_time(m_bucket[3h])', true],
    ['count_over_time(m_gauge[1h])', true],
    ['avg_over_time(m_bucket[1h])', false],
    ['last_over_time(m_gauge[1h])', true],
    ['increase(m_counter[1h])', false],
    ['rate(m_bucket[2h])', false],
    ['delta(m_gauge[1h])', false],
    ['m_gauge', true],
    ['timestamp(m_counter)', true],
    ['sum by (j) (increase(m_counter[1h])) / 2', false],
  ];
  for (const [query, exact] of cases) {
    for (const tier of [1, 2]) {
      it(`${query} at tier ${tier} equals raw${exact ? ' bit for bit' : ' (within float rounding of sums)'}`, async () => {
        const e = engine();
        const raw = await e.range({ query, ...range, tier: 0 });
        tiersAsked.length = 0;
        const rolled = await e.range({ query, ...range, tier });
        expect(tiersAsked).toContain(tier);
        expect(rolled.infos).toEqual(raw.infos);
        // Counter increases add Kahan-free differences in another order: equal up to rounding.
        expectSame(rolled, raw, exact);
      });
    }
  }

  it('without a tier parameter, an aligned hourly query reads tier 2, a 15 s step reads raw', async () => {
    const e = engine();
    tiersAsked.length = 0;
    await e.range({ query: 'max_over_time(m_gauge[1h])', ...range });
    expect(tiersAsked).toEqual([2]);
    tiersAsked.length = 0;
    await e.range({ query: 'max_over_time(m_gauge[1h])', ...range, stepMs: 15_000 });
    expect(tiersAsked).toEqual([]);
    tiersAsked.length = 0;
    await e.range({ query: 'max_over_time(m_gauge[5m])', ...range, stepMs: 300_000 });
    expect(tiersAsked).toEqual([1]);
  });

  it('a function rows cannot give falls back to raw and says so; a forced tier off its grid says it is approximate', async () => {
    const e = engine();
    const irate = await e.range({ query: 'irate(m_counter[1h])', ...range, tier: 2 });
    expect(irate.infos.some((i) => i.includes('irate cannot be computed from rollup tier 2'))).toBe(true);
    expectSame(irate, await e.range({ query: 'irate(m_counter[1h])', ...range, tier: 0 }), true);
    const off = await e.range({ query: 'max_over_time(m_gauge[1h])', ...range, stepMs: 90 * 60_000, tier: 2 });
    expect(off.infos.some((i) => i.includes('answers this approximately'))).toBe(true);
    await expect(e.range({ query: 'm_gauge', ...range, tier: 3 })).rejects.toThrow(/tier/);
  });
});
