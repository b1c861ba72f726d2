import type { RollupRows } from '../encoding/rollup-rows.js';
import { KahanAccumulator } from './kahan.js';
import type { SketchBuilder } from './sketch.js';

/**
 * Merges rows, in time order, into rows of a resolution that is a multiple of theirs (the same
 * one to join the two halves of a bucket that a page boundary split). A row of resolution r
 * ending at e lies inside the coarser bucket ending at ceil(e / R) · R, so merged rows are
 * exactly the rows the samples would have given at R: count, sum, min, max, first and last add
 * up, `resets` gains the drop between the two parts (the first part's last value when the
 * second starts below it). Sketches merge by feeding one digest the parts' centroids; a row
 * with one part keeps its centroids as they are.
 */
export class RowMerger {
  readonly #kahan = new KahanAccumulator();
  #out: RollupRows | null = null;
  #resolutionMs = 0;
  #sketch: SketchBuilder | null = null;
  #row = -1;
  #parts = 0;
  /**
   * The first part's centroids of the open row, kept until a second part shows they must merge
   * (copied: callers refill the rows they hand in, one page after another).
   */
  #firstMeans = new Float64Array(64);
  #firstWeights = new Float64Array(64);
  #firstCentroids = 0;

  /** Starts merging into `out` (emptied) at `resolutionMs`; with `sketch`, the rows carry sketches. */
  begin(out: RollupRows, resolutionMs: number, sketch: SketchBuilder | null): void {
    out.reset(sketch !== null);
    this.#out = out;
    this.#resolutionMs = resolutionMs;
    this.#sketch = sketch;
    this.#row = -1;
    this.#parts = 0;
  }

  /** Adds row `i` of `rows` (rows must come in time order). */
  add(rows: RollupRows, i: number): void {
    const out = this.#out!;
    const end = Math.ceil(rows.end[i]! / this.#resolutionMs) * this.#resolutionMs;
    if (this.#row < 0 || out.end[this.#row]! !== end) {
      this.#close();
      this.#open(rows, i, end);
      return;
    }
    this.#merge(rows, i);
  }

  /** Closes the last row. */
  finish(): void {
    this.#close();
    this.#out = null;
  }

  #open(rows: RollupRows, i: number, end: number): void {
    const out = this.#out!;
    const j = (this.#row = out.addRow(end));
    out.count[j] = rows.count[i]!;
    out.firstT[j] = rows.firstT[i]!;
    out.lastT[j] = rows.lastT[i]!;
    out.first[j] = rows.first[i]!;
    out.last[j] = rows.last[i]!;
    out.min[j] = rows.min[i]!;
    out.max[j] = rows.max[i]!;
    out.resets[j] = rows.resets[i]!;
    out.endsStale[j] = rows.endsStale[i]!;
    this.#kahan.reset(rows.sum[i]!);
    this.#parts = 1;
    this.#firstCentroids = 0;
    if (!rows.hasSketch || this.#sketch === null) return;
    const from = rows.sketchStart[i]!;
    const n = rows.sketchStart[i + 1]! - from;
    if (n > this.#firstMeans.length) {
      this.#firstMeans = new Float64Array(n * 2);
      this.#firstWeights = new Float64Array(n * 2);
    }
    this.#firstMeans.set(rows.means.subarray(from, from + n));
    this.#firstWeights.set(rows.weights.subarray(from, from + n));
    this.#firstCentroids = n;
  }

  #merge(rows: RollupRows, i: number): void {
    const out = this.#out!;
    const j = this.#row;
    const sketch = this.#sketch;
    if (sketch !== null && rows.hasSketch) {
      if (this.#parts === 1) {
        sketch.begin();
        for (let c = 0; c < this.#firstCentroids; c++) sketch.add(this.#firstMeans[c]!, this.#firstWeights[c]!);
      }
      sketch.addRow(rows, i);
    }
    this.#parts++;
    out.endsStale[j] = rows.endsStale[i]!;
    const count = rows.count[i]!;
    if (count === 0) return;
    if (out.count[j] === 0) {
      out.count[j] = count;
      out.firstT[j] = rows.firstT[i]!;
      out.first[j] = rows.first[i]!;
      out.min[j] = rows.min[i]!;
      out.max[j] = rows.max[i]!;
      out.resets[j] = rows.resets[i]!;
      this.#kahan.reset(rows.sum[i]!);
    } else {
      const last = out.last[j]!;
      out.resets[j] = out.resets[j]! + rows.resets[i]! + (rows.first[i]! < last ? last : 0);
      out.count[j]! += count;
      const min = out.min[j]!;
      if (rows.min[i]! < min || Number.isNaN(min)) out.min[j] = rows.min[i]!;
      const max = out.max[j]!;
      if (rows.max[i]! > max || Number.isNaN(max)) out.max[j] = rows.max[i]!;
      this.#kahan.add(rows.sum[i]!);
    }
    out.lastT[j] = rows.lastT[i]!;
    out.last[j] = rows.last[i]!;
  }

  #close(): void {
    const out = this.#out!;
    const j = this.#row;
    if (j < 0) return;
    this.#row = -1;
    if (out.count[j]! > 0) out.sum[j] = this.#kahan.value;
    if (this.#sketch === null) return;
    if (this.#parts > 1) this.#sketch.finish(out);
    else for (let c = 0; c < this.#firstCentroids; c++) out.addCentroid(this.#firstMeans[c]!, this.#firstWeights[c]!);
  }
}
