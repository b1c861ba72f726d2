import tdigest from 'tdigest';
import type { TDigest } from 'tdigest';
import type { RollupRows } from '../encoding/rollup-rows.js';

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

  /** Writes the sketch as the centroids of the last row of `out`. */
  finish(out: RollupRows): void {
    if (this.#digest === null) return;
    for (const c of this.#digest.toArray()) out.addCentroid(c.mean, c.n);
    this.#digest = null;
  }
}
