/**
 * Rollup rows as columns: one row per bucket `(end − resolution, end]` of one series
 * (docs/format/rollup-page.md). What the rollup page codec writes and reads, and what the
 * rollup math (store/rollup/) fills. Columns grow by doubling; `length` rows are valid.
 *
 * Per row: `count` samples that are not stale markers, their first and last time and value,
 * min, max, sum, and `resets`: the sum of the value before each drop inside the bucket (what
 * Prometheus adds back for counter resets), so increase = last − first + resets over any run
 * of rows, with the drops between rows found from each row's first and the previous row's last.
 * `endsStale` is 1 when the bucket's newest sample is a stale marker (a row may then have count
 * 0). With sketches, row i owns centroids `[sketchStart[i], sketchStart[i + 1])`, sorted by mean.
 */
export class RollupRows {
  length = 0;
  end: Float64Array;
  count: Float64Array;
  firstT: Float64Array;
  lastT: Float64Array;
  first: Float64Array;
  last: Float64Array;
  min: Float64Array;
  max: Float64Array;
  sum: Float64Array;
  resets: Float64Array;
  endsStale: Uint8Array;
  /** Whether rows carry sketches (then `sketchStart` has length + 1 valid entries). */
  hasSketch = false;
  sketchStart: Uint32Array;
  means: Float64Array;
  weights: Float64Array;
  centroids = 0;

  constructor(capacity = 64) {
    const n = Math.max(1, capacity);
    this.end = new Float64Array(n);
    this.count = new Float64Array(n);
    this.firstT = new Float64Array(n);
    this.lastT = new Float64Array(n);
    this.first = new Float64Array(n);
    this.last = new Float64Array(n);
    this.min = new Float64Array(n);
    this.max = new Float64Array(n);
    this.sum = new Float64Array(n);
    this.resets = new Float64Array(n);
    this.endsStale = new Uint8Array(n);
    this.sketchStart = new Uint32Array(n + 1);
    this.means = new Float64Array(0);
    this.weights = new Float64Array(0);
  }

  /** Empties the rows, keeping the memory; `sketch` says whether the next rows carry sketches. */
  reset(sketch = false): void {
    this.length = 0;
    this.centroids = 0;
    this.hasSketch = sketch;
    this.sketchStart[0] = 0;
  }

  /** Appends an empty row for the bucket ending at `end` and returns its index. */
  addRow(end: number): number {
    const i = this.length;
    if (i === this.end.length) this.#grow(i * 2);
    this.end[i] = end;
    this.count[i] = 0;
    this.firstT[i] = 0;
    this.lastT[i] = 0;
    this.first[i] = 0;
    this.last[i] = 0;
    this.min[i] = 0;
    this.max[i] = 0;
    this.sum[i] = 0;
    this.resets[i] = 0;
    this.endsStale[i] = 0;
    this.length = i + 1;
    this.sketchStart[i + 1] = this.centroids;
    return i;
  }

  /** Appends a centroid to the last row's sketch (centroids must come in mean order). */
  addCentroid(mean: number, weight: number): void {
    if (this.centroids === this.means.length) {
      const n = Math.max(64, this.centroids * 2);
      const means = new Float64Array(n);
      const weights = new Float64Array(n);
      means.set(this.means);
      weights.set(this.weights);
      this.means = means;
      this.weights = weights;
    }
    this.means[this.centroids] = mean;
    this.weights[this.centroids++] = weight;
    this.sketchStart[this.length] = this.centroids;
  }

  /** Copies row `i` of `from` to the end of these rows, with its sketch when both carry sketches. */
  copyRow(from: RollupRows, i: number): void {
    const j = this.addRow(from.end[i]!);
    this.count[j] = from.count[i]!;
    this.firstT[j] = from.firstT[i]!;
    this.lastT[j] = from.lastT[i]!;
    this.first[j] = from.first[i]!;
    this.last[j] = from.last[i]!;
    this.min[j] = from.min[i]!;
    this.max[j] = from.max[i]!;
    this.sum[j] = from.sum[i]!;
    this.resets[j] = from.resets[i]!;
    this.endsStale[j] = from.endsStale[i]!;
    if (this.hasSketch && from.hasSketch) {
      for (let c = from.sketchStart[i]!; c < from.sketchStart[i + 1]!; c++) this.addCentroid(from.means[c]!, from.weights[c]!);
    }
  }

  #grow(capacity: number): void {
    const f64 = (a: Float64Array): Float64Array => {
      const b = new Float64Array(capacity);
      b.set(a);
      return b;
    };
    this.end = f64(this.end);
    this.count = f64(this.count);
    this.firstT = f64(this.firstT);
    this.lastT = f64(this.lastT);
    this.first = f64(this.first);
    this.last = f64(this.last);
    this.min = f64(this.min);
    this.max = f64(this.max);
    this.sum = f64(this.sum);
    this.resets = f64(this.resets);
    const stale = new Uint8Array(capacity);
    stale.set(this.endsStale);
    this.endsStale = stale;
    const starts = new Uint32Array(capacity + 1);
    starts.set(this.sketchStart);
    this.sketchStart = starts;
  }
}
