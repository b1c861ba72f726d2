import { ValueSet } from './value-set.js';

const COLUMNS = ['count', 'sum', 'min', 'max', 'last', 'lastT', 'mean', 'm2', 'increase'] as const;

/**
 * One interval of one rule: per output group, what its samples add up to. Columns grow by
 * doubling, so adding a sample allocates nothing (quantile values and series sets apart).
 */
export class IntervalAccumulator {
  groups = 0;
  count = new Float64Array(8);
  sum = new Float64Array(8);
  min = new Float64Array(8);
  max = new Float64Array(8);
  last = new Float64Array(8);
  lastT = new Float64Array(8);
  /** Welford's running mean and sum of squared deviations (stddev, stdvar). */
  mean = new Float64Array(8);
  m2 = new Float64Array(8);
  /** Sum of the inputs' increases (counters differenced, delta sums as they are). */
  increase = new Float64Array(8);
  /** Per group, the values (quantiles) and the input series seen (count_series), when asked for. */
  values: (ValueSet | undefined)[] = [];
  series: (Set<number> | undefined)[] = [];

  add(g: number, t: number, v: number, increase: number, ref: number, keepValues: boolean, keepSeries: boolean): void {
    if (g >= this.count.length) this.#grow(Math.max(g + 1, this.count.length * 2));
    if (g >= this.groups) this.groups = g + 1;
    const n = this.count[g]! + 1;
    this.count[g] = n;
    if (n === 1) {
      this.sum[g] = this.min[g] = this.max[g] = v;
      this.last[g] = v;
      this.lastT[g] = t;
      this.mean[g] = v;
      this.m2[g] = 0;
      this.increase[g] = 0;
    } else {
      this.sum[g]! += v;
      if (v < this.min[g]! || Number.isNaN(this.min[g]!)) this.min[g] = v;
      if (v > this.max[g]! || Number.isNaN(this.max[g]!)) this.max[g] = v;
      if (t >= this.lastT[g]!) {
        this.last[g] = v;
        this.lastT[g] = t;
      }
      const delta = v - this.mean[g]!;
      this.mean[g]! += delta / n;
      this.m2[g]! += delta * (v - this.mean[g]!);
    }
    if (!Number.isNaN(increase)) this.increase[g]! += increase;
    if (keepValues) (this.values[g] ??= new ValueSet()).add(v);
    if (keepSeries) (this.series[g] ??= new Set()).add(ref);
  }

  /** Moves group g's figures to `map[g]` (map[g] is -1 for no group any more: it has none here). */
  remap(map: Int32Array, groups: number): void {
    const moved = new IntervalAccumulator();
    for (let g = 0; g < this.groups; g++) {
      const to = map[g]!;
      if (to < 0 || this.count[g] === 0) continue;
      if (to >= moved.count.length) moved.#grow(Math.max(to + 1, moved.count.length * 2));
      for (const k of COLUMNS) moved[k][to] = this[k][g]!;
      moved.values[to] = this.values[g];
      moved.series[to] = this.series[g];
    }
    moved.groups = groups;
    if (groups > moved.count.length) moved.#grow(groups);
    for (const k of COLUMNS) this[k] = moved[k];
    this.values = moved.values;
    this.series = moved.series;
    this.groups = groups;
  }

  /** Whether group g has a sample in this interval. */
  has(g: number): boolean {
    return g < this.groups && this.count[g]! > 0;
  }

  #grow(n: number): void {
    for (const k of COLUMNS) {
      const next = new Float64Array(n);
      next.set(this[k]);
      this[k] = next;
    }
  }
}
