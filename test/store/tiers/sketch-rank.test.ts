// quantile_over_time from the tiers' t-digest sketches (rows of 1 min, merged into rows of 1 h
// for tier 2, then the rows of 10 days merged by the query) stays within the rank error
// docs/tiers.md gives: 4·delta·φ(1−φ) of the values, plus 0.1 % for the merges. (It caught
// rows whose first part's centroids were read back from rows already refilled by the next page.)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../src/config/index.js';
import { createQueryEngine } from '../../../src/query/index.js';
import type { DiskStore } from '../../../src/store/index.js';
import { mulberry32 } from '../../support/prng.js';
import { appendSeries, gaugeDefinition, startTierStore } from '../../support/tier-store.js';

const HOUR = 3_600_000;
const DAYS = 10;
const STEP = 10_000;
const T0 = Date.UTC(2026, 3, 1);
const N = (DAYS * 24 * HOUR) / STEP;
const DELTA = 1 / defaultConfig.rollups.sketch_compression;
let dir: string;
let store: DiskStore;

function values(kind: string, seed: number): Float64Array {
  const r = mulberry32(seed);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  return Float64Array.from({ length: N }, () => (kind === 'normal' ? 50 + 10 * normal() : kind === 'lognormal' ? Math.exp(2 + normal()) : Math.round(r() * 1e6) / 100));
}

const KINDS = ['normal', 'lognormal', 'uniform'];
const data = KINDS.map((k, i) => values(k, 60 + i));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cairn-sketch-rank-'));
  const timestamps = Float64Array.from({ length: N }, (_, i) => T0 + (i + 1) * STEP);
  ({ store } = await startTierStore(dir, {}, { gauge_sketches: true }));
  await appendSeries(store, KINDS.map((k, i) => ({ def: gaugeDefinition('dist', { kind: k }), timestamps, values: data[i]! })), 6 * HOUR);
  await store.shutdown(0);
  ({ store } = await startTierStore(dir, {}, { gauge_sketches: true }));
  await store.tiersCaughtUp();
}, 120_000);

afterAll(async () => {
  await store.shutdown(0);
  rmSync(dir, { recursive: true, force: true });
});

describe.each([1, 2])('quantile_over_time from tier %i sketches', (tier) => {
  for (const phi of [0.01, 0.1, 0.5, 0.9, 0.99, 0.999]) {
    it(`φ = ${phi}: the answer's rank among the raw values is within the documented error`, async () => {
      const e = createQueryEngine({ querier: store.querier() });
      const end = T0 + DAYS * 24 * HOUR;
      const r = await e.range({ query: `quantile_over_time(${phi}, dist[${DAYS * 24}h])`, startMs: end, endMs: end, stepMs: HOUR, tier });
      expect(r.value.kind).toBe('matrix');
      if (r.value.kind !== 'matrix') return;
      expect(r.value.series).toHaveLength(3);
      for (const s of r.value.series) {
        const kind = s.labels.find(([k]) => k === 'kind')![1];
        const raw = data[KINDS.indexOf(kind)]!;
        const v = s.values[0]!;
        let below = 0;
        let atMost = 0;
        for (const x of raw) {
          if (x < v) below++;
          if (x <= v) atMost++;
        }
        // Distance from φ to the ranks the answer has among the raw values.
        const error = Math.max(0, below / N - phi, phi - atMost / N);
        expect(error, `${kind}: ${v} ranks ${below / N}..${atMost / N}`).toBeLessThanOrEqual(4 * DELTA * phi * (1 - phi) + 0.001);
      }
    });
  }
});
