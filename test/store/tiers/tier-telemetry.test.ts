// Self telemetry of the rollup tiers: points rolled up and rows written per tier, lag, and the
// store byte gauges by tier, as the agent registers them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { registerStoreGauges } from '../../../src/agent/store-gauges.js';
import { Registry } from '../../../src/telemetry/index.js';
import { randomSeries } from '../../support/rollup-series.js';
import { appendSeries, gaugeDefinition, startTierStore } from '../../support/tier-store.js';

const T0 = Date.UTC(2026, 10, 1);
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('rollup tier telemetry', () => {
  it('counts points per tier, rows written, lag and bytes with a tier label', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-tier-telemetry-'));
    dirs.push(dir);
    const series = [0, 1, 2].map((i) => ({ ...randomSeries(300 + i, 'gauge', 3000 + 500 * i, T0, 10_000), name: `g${i}` }));
    const { store } = await startTierStore(dir);
    await appendSeries(store, series.map((s) => ({ def: gaugeDefinition(s.name, { k: 'v' }), timestamps: s.timestamps, values: s.values })));
    const registry = new Registry();
    registerStoreGauges(registry, store, 1 << 30);
    const read = (name: string): Map<string, { type: string; value: number }> =>
      new Map(registry.collect().filter((m) => m.name === name).map((m) => [m.labels['tier']!, { type: m.type, value: m.value }]));
    const total = series.reduce((n, s) => n + s.timestamps.length, 0);
    const stats = () => store.usage().tierStats!;
    // Pages are written (and rolled up) after the append answers; tier 1 writes rows a page at a time.
    for (let waited = 0; waited < 20_000 && (stats()[0]!.pointsIn < total - 3 * 64 || stats()[0]!.rowsWritten === 0); waited += 100) await new Promise((r) => setTimeout(r, 100));
    const [t1, t2] = stats();
    // Every sample of a cut page once (the head keeps less than a page per series).
    expect(t1!.pointsIn).toBeGreaterThanOrEqual(total - 3 * 64);
    expect(t1!.pointsIn).toBeLessThanOrEqual(total);
    expect(t1!.rowsWritten).toBeGreaterThan(0);
    // Tier 2 takes exactly the rows tier 1 wrote.
    expect(t2!.pointsIn).toBe(t1!.rowsWritten);
    expect(t2!.lagMs).toBeGreaterThan(t1!.lagMs);
    const points = read('cairn_rollup_points_total');
    expect([...points.keys()]).toEqual(['1', '2']);
    expect(points.get('1')).toEqual({ type: 'counter', value: t1!.pointsIn });
    expect(read('cairn_rollup_rows_written_total').get('1')).toEqual({ type: 'counter', value: t1!.rowsWritten });
    expect(read('cairn_rollup_lag_seconds').get('2')).toEqual({ type: 'gauge', value: t2!.lagMs / 1000 });
    const bytes = read('cairn_store_datafile_bytes');
    expect([...bytes.keys()]).toEqual(['0', '1', '2']);
    expect(bytes.get('0')!.value).toBe(store.usage().ringBytes);
    expect(bytes.get('1')!.value).toBeGreaterThan(0);
    await store.shutdown(0);
  });
});
