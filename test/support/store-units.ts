/**
 * Shared by the store unit tests (flatten, head, index, batch records): series definitions,
 * batches built point by point with their compound payloads, a Map-backed ref resolver that
 * renders samples readably, temp dirs and error checks.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect } from 'vitest';
import { CairnError } from '../../src/errors/index.js';
import type { Batch, SeriesDefinition } from '../../src/model/index.js';
import { BatchBuilder, PointFlag } from '../../src/model/index.js';
import type { PromLabels, RefResolver, SampleSink } from '../../src/store/flatten/index.js';

/** A definition with empty defaults; override what the test is about. */
export function seriesDef(over: Partial<SeriesDefinition> = {}): SeriesDefinition {
  return {
    hashHi: 1,
    hashLo: 1,
    name: 'm',
    kind: 'gauge',
    temporality: 'unspecified',
    monotonic: false,
    unit: '',
    description: '',
    resource: [],
    scopeName: '',
    scopeVersion: '',
    attributes: [],
    ...over,
  };
}

/** One point of a batch: local series index, time, value, flags and compound payload. */
export interface PointSpec {
  readonly series: number;
  readonly t: number;
  readonly v?: number;
  readonly start?: number;
  readonly flags?: number;
  readonly extra?: readonly number[];
}

/**
 * A batch of `series` (hashes from each definition) and `points`, built with BatchBuilder
 * (so its arrays are longer than pointCount). `definitions`: which local series carry their
 * definition in the batch ('all' by default, or 'none').
 */
export function buildBatch(series: readonly SeriesDefinition[], points: readonly PointSpec[], definitions: 'all' | 'none' = 'all'): Batch {
  const b = new BatchBuilder();
  for (const d of series) b.addSeries(d.hashHi, d.hashLo);
  points.forEach((p, i) => {
    const at = b.beginExtra();
    for (const x of p.extra ?? []) b.pushExtra(x);
    const compound = p.extra !== undefined ? PointFlag.COMPOUND : 0;
    b.addPoint(p.series, p.start ?? 0, p.t, p.v ?? (p.extra !== undefined ? p.extra[0]! : 0), p.flags ?? compound);
    if (compound) b.setExtraOffset(i, at);
  });
  const batch = b.finish();
  if (definitions === 'all') batch.definitions = [...series];
  return batch;
}

/** Histogram payload: count, sum, min, max, buckets, bounds…, counts… (bounds dropped without counts). */
export function histogramExtra(h: { count: number; sum: number; bounds: readonly number[]; counts: readonly number[]; min?: number; max?: number }): number[] {
  const bounds = h.counts.length === 0 ? [] : h.bounds;
  return [h.count, h.sum, h.min ?? NaN, h.max ?? NaN, h.counts.length, ...bounds, ...h.counts];
}

/** Exponential histogram payload with a few positive and negative buckets. */
export function expHistogramExtra(count: number, sum: number): number[] {
  return [count, sum, NaN, NaN, 2, 1, 0, -1, 2, 3, 4, 0, 1, 2];
}

/** Summary payload: count, sum, n, (quantile, value)×n. */
export function summaryExtra(count: number, sum: number, quantiles: readonly (readonly [number, number])[]): number[] {
  return [count, sum, quantiles.length, ...quantiles.flat()];
}

/** A Prometheus label set from an object, sorted by name as the flattener produces them. */
export function promLabels(o: Record<string, string>): PromLabels {
  return Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Prometheus text form of a label set: `name{a="1",b="2"}` (labels in their given order). */
export function render(labels: PromLabels): string {
  const name = labels.find(([k]) => k === '__name__')?.[1] ?? '';
  const rest = labels.filter(([k]) => k !== '__name__').map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return `${name}{${rest.join(',')}}`;
}

/** Refs 0, 1, 2… in first-seen order, one per exact label set (as the series index does). */
export class MapResolver implements RefResolver {
  readonly refs = new Map<string, number>();
  readonly labels: PromLabels[] = [];
  calls = 0;

  refFor(labels: PromLabels): number {
    this.calls++;
    const key = JSON.stringify(labels);
    let ref = this.refs.get(key);
    if (ref === undefined) {
      ref = this.labels.length;
      this.refs.set(key, ref);
      this.labels.push(labels);
    }
    return ref;
  }
}

export interface Sample {
  readonly ref: number;
  readonly series: string;
  readonly t: number;
  readonly v: number;
  /** The bits of `v` as pushed (taken before the number is stored anywhere). */
  readonly bits: bigint;
}

/** A sink that records samples with the rendered label set of their ref. */
export class RecordingSink implements SampleSink {
  readonly samples: Sample[] = [];
  constructor(private readonly resolver: MapResolver) {}

  push(ref: number, timeMs: number, value: number): void {
    const labels = this.resolver.labels[ref];
    this.samples.push({ ref, series: labels === undefined ? `unknown ref ${ref}` : render(labels), t: timeMs, v: value, bits: bitsOf(value) });
  }

  /** [series, t, v] rows sorted by series then time, for order-independent comparison. */
  rows(): Row[] {
    return sortRows(this.samples.map((s): Row => [s.series, s.t, s.v]));
  }
}

export type Row = [series: string, t: number, v: number];

/** Rows sorted by series then time (a copy). */
export function sortRows(rows: readonly Row[]): Row[] {
  return [...rows].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]));
}

/**
 * The raw 64 bits of a double, as a bigint. Written by index into a Float64Array: building one
 * from an array literal (or pushing a NaN into any JS array) may set the quiet bit of a NaN.
 */
export function bitsOf(v: number): bigint {
  const f = new Float64Array(1);
  f[0] = v;
  return new BigUint64Array(f.buffer)[0]!;
}

export const STALE_BITS = 0x7ff0000000000002n;

const dirs: string[] = [];

/** A fresh directory under the OS temp dir, removed after the test. */
export function tempDir(prefix = 'cairn-unit-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Runs `fn`, expects a CairnError with `code` (and `message` containing `includes`). */
export function expectCairnError(fn: () => unknown, code: string, includes?: string): CairnError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught, 'expected a CairnError to be thrown').toBeInstanceOf(CairnError);
  const err = caught as CairnError;
  expect(err.code).toBe(code);
  if (includes !== undefined) expect(err.message).toContain(includes);
  return err;
}

/** mulberry32 (test/support/prng.ts), under this folder's name. */
export { mulberry32 as rng } from './prng.js';

/**
 * The store's references for OTel series, as the tests' stand-in for the index: a reference
 * per definition (by hash), and the refs of a batch's locals from the definitions it carries
 * or from `lookup` (-1 where neither knows the series).
 */
export class RefRegistry {
  readonly #byKey = new Map<string, number>();
  readonly #defs: SeriesDefinition[] = [];

  refOf(def: SeriesDefinition): number {
    const key = `${def.hashHi}:${def.hashLo}`;
    let ref = this.#byKey.get(key);
    if (ref === undefined) {
      ref = this.#defs.length;
      this.#defs.push(def);
      this.#byKey.set(key, ref);
    }
    return ref;
  }

  readonly byRef = (ref: number): SeriesDefinition | undefined => this.#defs[ref];

  refsFor(batch: Batch, lookup: (hi: number, lo: number) => SeriesDefinition | undefined = () => undefined): Int32Array {
    const refs = new Int32Array(batch.seriesCount);
    for (let i = 0; i < batch.seriesCount; i++) {
      const hi = batch.seriesHashes[2 * i]!;
      const lo = batch.seriesHashes[2 * i + 1]!;
      const known = this.#byKey.get(`${hi}:${lo}`);
      const def = batch.definitions[i] ?? (known === undefined ? lookup(hi, lo) : this.#defs[known]);
      refs[i] = def === undefined ? -1 : this.refOf(def);
    }
    return refs;
  }
}
