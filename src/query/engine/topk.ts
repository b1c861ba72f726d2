import { executionError } from '../errors.js';
import type { AggregateNode } from '../promql/ast.js';
import type { EvalContext } from './context.js';
import { groupSeries } from './grouping.js';
import { labelsKey } from './labels.js';
import type { EvalValue, StepSeries } from './values.js';
import { newStepSeries } from './values.js';

type Less = (a: number, b: number) => boolean;

/** Go's container/heap on an array of series indices, ordered by `less` of their values. */
class IndexHeap {
  readonly items: number[] = [];
  constructor(private readonly value: (i: number) => number, private readonly less: Less) {}

  #less(i: number, j: number): boolean {
    return this.less(this.value(this.items[i]!), this.value(this.items[j]!));
  }

  #swap(i: number, j: number): void {
    const t = this.items[i]!;
    this.items[i] = this.items[j]!;
    this.items[j] = t;
  }

  push(x: number): void {
    this.items.push(x);
    this.#up(this.items.length - 1);
  }

  fixTop(): void {
    if (!this.#down(0)) this.#up(0);
  }

  #up(j: number): void {
    for (;;) {
      const i = Math.trunc((j - 1) / 2);
      if (i === j || !this.#less(j, i)) break;
      this.#swap(i, j);
      j = i;
    }
  }

  #down(i0: number): boolean {
    let i = i0;
    const n = this.items.length;
    for (;;) {
      const j1 = 2 * i + 1;
      if (j1 >= n) break;
      let j = j1;
      if (j1 + 1 < n && this.#less(j1 + 1, j1)) j = j1 + 1;
      if (!this.#less(j, i)) break;
      this.#swap(i, j);
      i = j;
    }
    return i > i0;
  }
}

// Prometheus' vectorByValueHeap and vectorByReverseValueHeap: NaN counts as the least.
const ascending: Less = (a, b) => Number.isNaN(a) || a < b;
const descending: Less = (a, b) => Number.isNaN(a) || a > b;

/**
 * topk/bottomk: per group and step the k largest (smallest) series, kept with their own labels.
 * An instant query keeps Prometheus' order (largest first for topk); a range query's output is
 * sorted by labels later anyway.
 */
export async function evalTopK(e: AggregateNode, input: StepSeries[], param: Float64Array, ctx: EvalContext): Promise<EvalValue> {
  const top = e.op === 'topk';
  const steps = ctx.steps.length;
  const groups = groupSeries(e, input);
  const bySeries = new Map<string, StepSeries>();
  const ordered: StepSeries[] = [];
  for (let i = 0; i < steps; i++) {
    const p = param[i]!;
    if (Number.isNaN(p)) throw executionError('Parameter value is NaN');
    if (Math.abs(p) >= 2 ** 63) throw executionError(`Scalar value ${p} overflows int64`);
    const wanted = Math.trunc(p);
    if (wanted < 1) continue;
    for (const g of groups) {
      const k = Math.min(wanted, input.length);
      const value = (m: number): number => g.members[m]!.values[i]!;
      const heap = new IndexHeap(value, top ? ascending : descending);
      for (let m = 0; m < g.members.length; m++) {
        if (g.members[m]!.present[i] === 0) continue;
        const v = value(m);
        if (heap.items.length < k) heap.push(m);
        else {
          const least = value(heap.items[0]!);
          if ((top ? least < v : least > v) || (Number.isNaN(least) && !Number.isNaN(v))) {
            heap.items[0] = m;
            if (k > 1) heap.fixTop();
          }
        }
      }
      // Reverse of the heap order: best first, NaN last.
      const chosen = [...heap.items].sort((a, b) => {
        const x = value(a);
        const y = value(b);
        if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) ? (Number.isNaN(y) ? 0 : 1) : -1;
        return top ? y - x : x - y;
      });
      for (const m of chosen) {
        const s = g.members[m]!;
        const key = labelsKey(s.labels);
        let out = bySeries.get(key);
        if (out === undefined) {
          out = newStepSeries(s.labels, steps, s.dropName);
          bySeries.set(key, out);
          ordered.push(out);
        }
        out.values[i] = s.values[i]!;
        out.present[i] = 1;
      }
    }
    await ctx.budget.checkpoint();
  }
  return { type: 'vector', series: ordered };
}
