// Loads promqltest series into a real DiskStore: each series becomes an OTel gauge whose
// definition flattens to exactly the wanted labels. Label sets the OTel-to-Prometheus naming
// cannot produce (no metric name, names with characters OTel names lose such as `a__b`, UTF-8
// label names) go to a small in-memory querier instead, and the runner queries both.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchBuilder, identify, PointFlag } from '../../../src/model/index.js';
import type { SeriesDefinition } from '../../../src/model/index.js';
import type { LabelMatcher, LabelPairs, Querier, SeriesSamples } from '../../../src/query/index.js';
import { compareLabelSets, matcherPredicate, parseSelector, writeStaleMarker } from '../../../src/query/index.js';
import type { DiskStore } from '../../../src/store/index.js';
import { baseLabels, prometheusName, withName } from '../../../src/store/flatten/index.js';
import { startDiskStore } from '../../support/disk-store.js';
import type { Point } from './points.js';

/** `metric{a="b"}` as sorted label pairs. */
export function seriesLabels(descriptor: string): LabelPairs {
  if (descriptor === '{}' || descriptor === '') return [];
  const labels = parseSelector(descriptor).map((m): [string, string] => [m.name, m.value]);
  return labels.filter(([, v]) => v !== '').sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

const LIMITS = { maxAttributeBytes: 1 << 20, maxAttributes: 1000 };

/** The gauge definition that flattens to `labels`, or undefined when none does. */
function definitionFor(labels: LabelPairs): SeriesDefinition | undefined {
  const name = labels.find(([k]) => k === '__name__')?.[1];
  if (name === undefined) return undefined;
  const result = identify(
    { name, kind: 'gauge', temporality: 'unspecified', monotonic: false, unit: '', description: '', resource: [], scopeName: '', scopeVersion: '', attributes: labels.filter(([k]) => k !== '__name__').map(([k, v]) => [k, v]) },
    LIMITS,
  );
  if (!result.ok) return undefined;
  const flattened = withName(baseLabels(result.def), prometheusName(result.def));
  return JSON.stringify(flattened) === JSON.stringify(labels) ? result.def : undefined;
}

interface MemorySeries {
  readonly labels: LabelPairs;
  readonly times: number[];
  readonly points: Point[];
}

/** The test environment: a DiskStore in a temp dir plus the in-memory rest. */
export class TestStorage {
  #store: DiskStore | undefined;
  #dir: string | undefined;
  readonly #memory = new Map<string, MemorySeries>();
  storedSeries = 0;
  memorySeries = 0;
  /** Series that had native histogram samples (not loaded), for telling cases out of scope. */
  readonly nativeSeries: LabelPairs[] = [];

  async load(lines: readonly { labels: LabelPairs; points: readonly Point[] }[], intervalMs: number): Promise<void> {
    // A series written twice in one load: the later line's samples win, as in Prometheus' storage.
    const merged = new Map<string, { labels: LabelPairs; points: Point[] }>();
    for (const l of lines) {
      const key = JSON.stringify(l.labels);
      const prev = merged.get(key);
      if (prev === undefined) merged.set(key, { labels: l.labels, points: [...l.points] });
      else l.points.forEach((p, i) => {
        if (p !== 'missing') prev.points[i] = p;
      });
    }
    const series = [...merged.values()].map((s) => ({ labels: s.labels, points: Array.from(s.points, (p) => p ?? 'missing') }));
    const builder = new BatchBuilder();
    const definitions: SeriesDefinition[] = [];
    for (const s of series) {
      const def = definitionFor(s.labels);
      if (def === undefined) {
        this.#remember(s.labels, s.points, intervalMs);
        continue;
      }
      const local = builder.addSeries(def.hashHi, def.hashLo);
      definitions.push(def);
      s.points.forEach((p, i) => {
        if (p === 'missing') return;
        builder.addPoint(local, 0, i * intervalMs, p === 'stale' ? NaN : p, p === 'stale' ? PointFlag.NO_RECORDED_VALUE : 0);
      });
    }
    if (definitions.length === 0) return;
    this.storedSeries += definitions.length;
    const batch = builder.finish();
    batch.definitions = definitions;
    await (await this.#diskStore()).append(batch);
  }

  #remember(labels: LabelPairs, points: readonly Point[], intervalMs: number): void {
    this.memorySeries++;
    const key = JSON.stringify(labels);
    const s = this.#memory.get(key) ?? { labels, times: [], points: [] };
    this.#memory.set(key, s);
    points.forEach((p, i) => {
      if (p === 'missing') return;
      s.times.push(i * intervalMs);
      s.points.push(p);
    });
  }

  async #diskStore(): Promise<DiskStore> {
    if (this.#store === undefined) {
      this.#dir = mkdtempSync(join(tmpdir(), 'cairn-promqltest-'));
      this.#store = (await startDiskStore(this.#dir)).store;
    }
    return this.#store;
  }

  async clear(): Promise<void> {
    await this.#store?.shutdown(0);
    if (this.#dir !== undefined) rmSync(this.#dir, { recursive: true, force: true });
    this.#store = undefined;
    this.#dir = undefined;
    this.#memory.clear();
    this.nativeSeries.length = 0;
  }

  querier(): Querier {
    const disk = this.#store?.querier();
    const memory = [...this.#memory.values()];
    const fromMemory = (matchers: readonly LabelMatcher[], minT: number, maxT: number): SeriesSamples[] => {
      const tests = matchers.map((m) => ({ name: m.name, test: matcherPredicate(m) }));
      const out: SeriesSamples[] = [];
      for (const s of memory) {
        if (!tests.every((t) => t.test(s.labels.find(([k]) => k === t.name)?.[1] ?? ''))) continue;
        const idx = s.times.map((t, i) => [t, i] as const).filter(([t]) => t >= minT && t <= maxT);
        if (idx.length === 0) continue;
        const timestamps = new Float64Array(idx.map(([t]) => t));
        const values = new Float64Array(idx.length);
        idx.forEach(([, i], j) => {
          const p = s.points[i]!;
          if (p === 'stale') writeStaleMarker(values, j);
          else values[j] = p as number;
        });
        out.push({ labels: s.labels, timestamps, values });
      }
      return out;
    };
    const both = async (matchers: readonly LabelMatcher[], minT: number, maxT: number): Promise<SeriesSamples[]> => {
      const stored = disk === undefined ? [] : await disk.select(matchers, minT, maxT);
      return [...stored, ...fromMemory(matchers, minT, maxT)].sort((a, b) => compareLabelSets(a.labels, b.labels));
    };
    return {
      select: both,
      series: async (m, a, b) => (await both(m, a, b)).map((s) => s.labels),
      labelNames: async () => [],
      labelValues: async () => [],
    };
  }
}
