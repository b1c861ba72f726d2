import tdigest from 'tdigest';
import type { TDigest } from 'tdigest';
import type { RollupRows } from '../encoding/rollup-rows.js';
import { MAX_ROW_CENTROIDS } from '../encoding/rollup-page-format.js';

/**
 * t-digest sketches of a bucket's values (the `tdigest` package; docs/tiers.md says why this
 * and not hdr-histogram-js). A digest is built per row while its bucket fills, then written as
 * the row's centroids, sorted by mean. `delta` is the package's compression: the largest share
 * of all values one centroid near the median may hold is about delta.
 *
 * The package re-compresses with a random order once a digest passes K/delta centroids; K is 0
 * here so a digest never does, and the same input always gives the same centroids: rebuilt
 * tiers equal the ones first written. Size stays bounded by the delta rule itself.
 */
export class SketchBuilder {
  readonly #delta: number;
  #digest: TDigest | null = null;

  constructor(delta: number) {
    this.#delta = delta;
  }

  /** Starts the sketch of a new row. */
  begin(): void {
    this.#digest = null;
  }

  /** Adds a value (NaN values are not sketched: a t-digest orders values). */
  add(value: number, weight = 1): void {
    if (Number.isNaN(value)) return;
    this.#digest ??= new tdigest.TDigest(this.#delta, 0);
    this.#digest.push(value, weight);
  }

  /** Adds the centroids of row `i` of `rows`. */
  addRow(rows: RollupRows, i: number): void {
    for (let c = rows.sketchStart[i]!; c < rows.sketchStart[i + 1]!; c++) this.add(rows.means[c]!, rows.weights[c]!);
  }

  /**
   * Writes the sketch as the centroids of the last row of `out`, at most MAX_ROW_CENTROIDS
   * (what a rollup page holds per row): a digest past it (a high sketch_compression over long
   * buckets of frequent samples) has neighbouring centroids merged in pairs until it fits.
   */
  finish(out: RollupRows): void {
    if (this.#digest === null) return;
    let cs = this.#digest.toArray().map((c) => ({ mean: c.mean, n: c.n }));
    while (cs.length > MAX_ROW_CENTROIDS) cs = mergePairs(cs);
    for (const c of cs) out.addCentroid(c.mean, c.n);
    this.#digest = null;
  }
}

/** Neighbouring centroids merged two by two (weighted means): half as many, same total weight, still sorted. */
function mergePairs(cs: readonly { mean: number; n: number }[]): { mean: number; n: number }[] {
  const out: { mean: number; n: number }[] = [];
  for (let i = 0; i < cs.length; i += 2) {
    const a = cs[i]!;
    const b = cs[i + 1];
    if (b === undefined) out.push(a);
    else out.push({ mean: (a.mean * a.n + b.mean * b.n) / (a.n + b.n), n: a.n + b.n });
  }
  return out;
}
