// quantile_over_time over rollup rows needs every row's sketch: a series whose tier rows carry
// none (counter-named series get no sketch) is left out with an info, never answered from the
// few raw samples stitched after the tier's last row.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueryEngine } from '../../src/query/index.js';
import type { DiskStore } from '../../src/store/index.js';
import { randomSeries } from '../support/rollup-series.js';
import { appendSeries, gaugeDefinition, startTierStore } from '../support/tier-store.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 1);
let dir: string;
let store: DiskStore;
let lastT = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cairn-tier-sketch-'));
  const g = { ...randomSeries(41, 'gauge', 3000, T0, 10_000), name: 'sk_gauge' };
  const c = { ...randomSeries(42, 'counter', 3000, T0, 10_000), name: 'sk_requests_total' };
  lastT = g.timestamps[g.timestamps.length - 1]!;
  ({ store } = await startTierStore(dir, {}, { gauge_sketches: true }));
  await appendSeries(store, [g, c].map((s) => ({ def: gaugeDefinition(s.name, { which: s.name }), timestamps: s.timestamps, values: s.values })));
  await store.shutdown(0);
  ({ store } = await startTierStore(dir, {}, { gauge_sketches: true }));
  await store.tiersCaughtUp();
});

afterAll(async () => {
  await store.shutdown(0);
  rmSync(dir, { recursive: true, force: true });
});

describe('quantile_over_time over tier rows', () => {
  it('answers the sketched gauge, leaves out the series without sketches and says so', async () => {
    const e = createQueryEngine({ querier: store.querier() });
    // A window running past tier 1's newest row: the rest comes from raw samples.
    const end = Math.ceil(lastT / 60_000) * 60_000 + 60_000;
    const r = await e.range({ query: 'quantile_over_time(0.5, {__name__=~"sk_.*"}[2h])', startMs: end - HOUR, endMs: end, stepMs: 60_000, tier: 1 });
    expect(r.value.kind).toBe('matrix');
    if (r.value.kind !== 'matrix') return;
    expect(r.value.series.map((s) => s.labels)).toEqual([[['which', 'sk_gauge']]]);
    expect(r.infos.some((i) => i.includes('1 series left out'))).toBe(true);
  });
});
