// Disk bytes per series per day in each ring (raw tier0, tier1, tier2): a DiskStore from dist/
// in this process (rollups on, the default tiers), fed the store benchmark's 10,000 series
// (store-workload.mjs: counters, gauges with one or two decimals, constants) one point every
// 10 s in simulated time, much faster than wall time. The budget is raised so nothing is
// deleted while measuring; days per tier in the default 1 GiB budget are computed from the
// bytes per day and each ring's default share. Usage (after npm run build):
//   node native-bench/tier-disk.mjs [--days 4] [--series 10000]
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { defaultConfig } from '../dist/config/index.js';
import { silentLogger } from '../dist/log/index.js';
import { BatchBuilder, identify } from '../dist/model/index.js';
import { DiskStore } from '../dist/store/index.js';
import { compressExtent, decompressExtent } from '../dist/store/encoding/index.js';
import { rawShareBytes, tierSettings } from '../dist/store/tiers/tier-settings.js';
import { Registry } from '../dist/telemetry/index.js';
import { benchDir, du } from './agent-process.mjs';
import { METRICS } from './store-workload.mjs';
import { prng } from './workload.mjs';

const arg = (k, d) => (process.argv.includes(`--${k}`) ? Number(process.argv[process.argv.indexOf(`--${k}`) + 1]) : d);
const DAYS = arg('days', 4);
const SERIES = arg('series', 10_000);
const STEP = 10_000;
const DAY = 86_400_000;
const GiB = 2 ** 30;

/** The store workload's series as definitions (one metric per METRICS entry, `id` attribute). */
function definitions() {
  const perMetric = Math.ceil(SERIES / METRICS.length);
  const out = [];
  METRICS.forEach((m, mi) => {
    for (let i = 0; i < perMetric && out.length < SERIES; i++) {
      const r = identify(
        { name: m.name, kind: m.counter ? 'sum' : 'gauge', temporality: m.counter ? 'cumulative' : 'unspecified', monotonic: !!m.counter, unit: m.unit, description: '', resource: [['service.name', 'bench'], ['host.name', 'bench-host']], scopeName: 'bench', scopeVersion: '', attributes: [['id', `s${i}`]] },
        { maxAttributeBytes: 1024, maxAttributes: 64 },
      );
      if (!r.ok) throw new Error('bad series');
      out.push({ def: r.def, metric: m, mi });
    }
  });
  return out;
}

/** Bytes of each directory directly under `store` that exists. */
function rings(store) {
  const out = {};
  for (const name of readdirSync(store)) if (statSync(join(store, name)).isDirectory()) out[name] = du(join(store, name));
  return out;
}

const bench = benchDir();
const config = { ...defaultConfig.store, path: bench.store, max_disk_bytes: 64 * GiB };
const registry = new Registry();
const store = new DiskStore({ config, rollups: defaultConfig.rollups, compress: async (raw) => compressExtent(raw), decompress: (b, n) => decompressExtent(b, n), logger: silentLogger, registry });
await store.start();

const series = definitions();
const rand = prng(7);
const values = series.map((s) => (s.metric.counter ? Math.floor(rand() * 1e6) : s.metric.start(rand)));
// Days aligned so each day is whole hours of tier 2; data ends before now.
const t0 = Math.floor((Date.now() - (DAYS + 2) * DAY) / DAY) * DAY;
const steps = (DAYS * DAY) / STEP;
const started = performance.now();
let samples = 0;
const perBatch = 6; // 1 min of points per series in one batch, like a scrape interval's worth
for (let k = 0; k < steps; k += perBatch) {
  const b = new BatchBuilder();
  series.forEach((s, i) => {
    const local = b.addSeries(s.def.hashHi, s.def.hashLo);
    for (let j = 0; j < perBatch && k + j < steps; j++) {
      const v = s.metric.counter ? values[i] + s.metric.step(rand) : s.metric.step(rand, values[i]);
      values[i] = v;
      b.addPoint(local, 0, t0 + (k + j) * STEP, v, 0);
      samples++;
    }
  });
  const batch = b.finish();
  batch.definitions = k === 0 ? series.map((s) => s.def) : series.map(() => undefined);
  await store.append(batch);
  if (k % (DAY / STEP / 4) === 0) console.error(JSON.stringify({ day: +((k * STEP) / DAY).toFixed(2), seconds: Math.round((performance.now() - started) / 1000), rings: rings(bench.store) }));
}
const fillSeconds = (performance.now() - started) / 1000;
const live = rings(bench.store);
const rowsWritten = { tier1: registry.value('cairn_rollup_rows_written_total', { tier: '1' }), tier2: registry.value('cairn_rollup_rows_written_total', { tier: '2' }) };
await store.shutdown(0);
const after = rings(bench.store);
bench.remove();

// Days each ring holds in the default 1 GiB budget with its default share.
const defaults = { store: { ...defaultConfig.store }, rollups: defaultConfig.rollups };
const shares = { tier0: rawShareBytes(defaults), tier1: tierSettings(defaults)[0].shareBytes, tier2: tierSettings(defaults)[1].shareBytes };
const targets = { tier0: 7, tier1: 90, tier2: 730 };
const perSeriesDay = {};
const daysIn1GiB = {};
for (const ring of ['tier0', 'tier1', 'tier2']) {
  perSeriesDay[ring] = +((after[ring] ?? 0) / SERIES / DAYS).toFixed(1);
  // Raw's share also holds WAL, index and head checkpoint: counted against it as measured at the end.
  const beside = ring === 'tier0' ? (after.wal ?? 0) + (after.index ?? 0) + (after.head ?? 0) : 0;
  daysIn1GiB[ring] = perSeriesDay[ring] > 0 ? +((shares[ring] - beside) / (perSeriesDay[ring] * 10_000)).toFixed(1) : null;
}
console.log(JSON.stringify({ bench: 'tier-disk', series: SERIES, days: DAYS, samples, fillSeconds: Math.round(fillSeconds), samplesPerSecond: Math.round(samples / fillSeconds), bytesWhileLive: live, bytesAfterShutdown: after, bytesPerSeriesPerDay: perSeriesDay, bytesPerSample: { tier0: +((after.tier0 ?? 0) / samples).toFixed(3) }, shareBytes: shares, daysOf10kSeriesIn1GiB: daysIn1GiB, targetsDays: targets, rowsWritten, bytesPerRow: { tier1: +((after.tier1 ?? 0) / rowsWritten.tier1).toFixed(2), tier2: +((after.tier2 ?? 0) / rowsWritten.tier2).toFixed(2) } }));
