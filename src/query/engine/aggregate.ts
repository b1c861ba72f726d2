import { CairnError, ErrorCodes } from '../../errors/index.js';
import { executionError } from '../errors.js';
import type { AggregateNode } from '../promql/ast.js';
import type { EvalContext } from './context.js';
import { groupSeries } from './grouping.js';
import { KahanSum, quantile } from './kahan.js';
import { goQuote, isValidLabelName, setLabel } from './labels.js';
import { evalTopK } from './topk.js';
import { streamableCall, streamAggregate } from './stream-aggregate.js';
import type { EvalValue, StepSeries } from './values.js';
import { newStepSeries, scalarOf, stringOf, vectorOf } from './values.js';
import { formatGoFloatF, goFloat } from './format-float.js';

/** Aggregations: one output series per group, values combined step by step in input order. */
export async function evalAggregate(e: AggregateNode, ctx: EvalContext): Promise<EvalValue> {
  if (e.op === 'count_values') return countValues(e, ctx);
  const streamed = streamableCall(e);
  if (streamed !== undefined) return streamAggregate(e, streamed, ctx);
  const param = e.param === null ? undefined : scalarOf(await ctx.evaluate(e.param, ctx));
  const input = vectorOf(await ctx.evaluate(e.expr, ctx));
  if (e.op === 'topk' || e.op === 'bottomk') return evalTopK(e, input, param!, ctx);
  if (e.op === 'quantile') for (const q of param!) if (Number.isNaN(q) || q < 0 || q > 1) ctx.annotations.warn(`quantile value should be between 0 and 1, got ${goFloat(q)}`);
  const steps = ctx.steps.length;
  const out: StepSeries[] = [];
  for (const g of groupSeries(e, input)) {
    const result = newStepSeries(g.labels, steps, g.members.some((m) => m.dropName));
    for (let i = 0; i < steps; i++) {
      // A large group makes each step long: give the event loop its turns inside the group too.
      if (g.members.length > 256) await ctx.budget.checkpoint();
      const v = combine(e.op, g.members, i, param?.[i] ?? 0);
      if (v === undefined) continue;
      result.values[i] = v;
      result.present[i] = 1;
    }
    if (result.present.includes(1)) out.push(result);
    await ctx.budget.checkpoint();
  }
  return { type: 'vector', series: out };
}

/** One group at one step, exactly as Prometheus accumulates (Kahan sums, Welford variance). */
function combine(op: AggregateNode['op'], members: StepSeries[], i: number, param: number): number | undefined {
  let n = 0;
  let value = 0;
  let mean = 0;
  let incremental = false;
  const k = new KahanSum();
  const values: number[] = [];
  for (const m of members) {
    if (m.present[i] === 0) continue;
    const f = m.values[i]!;
    n++;
    if (n === 1) {
      value = f;
      mean = f;
      k.sum = f;
      if (op === 'stddev' || op === 'stdvar') value = Number.isFinite(f) ? 0 : NaN;
      if (op === 'quantile') values.push(f);
      continue;
    }
    switch (op) {
      case 'sum':
        k.add(f);
        break;
      case 'avg': {
        if (!incremental) {
          const before = k.sum;
          const c = k.c;
          k.add(f);
          if (Number.isFinite(k.sum) || Number.isNaN(k.sum)) break;
          // The sum would overflow: continue with an incremental mean (k now holds the mean).
          incremental = true;
          k.sum = before / (n - 1);
          k.c = c / (n - 1);
        }
        const m = k.sum;
        if (!Number.isFinite(m) && !Number.isNaN(m)) {
          if (!Number.isFinite(f) && !Number.isNaN(f) && m > 0 === f > 0) break;
          if (Number.isFinite(f)) break;
        }
        k.add(f / n - (m + k.c) / n);
        break;
      }
      case 'max':
        if (value < f || Number.isNaN(value)) value = f;
        break;
      case 'min':
        if (value > f || Number.isNaN(value)) value = f;
        break;
      case 'stddev':
      case 'stdvar': {
        const delta = f - mean;
        mean += delta / n;
        value += delta * (f - mean);
        break;
      }
      case 'quantile':
        values.push(f);
        break;
      default:
        break;
    }
  }
  if (n === 0) return undefined;
  switch (op) {
    case 'sum':
      return k.value;
    case 'avg':
      return incremental ? k.value : k.value / n;
    case 'count':
      return n;
    case 'group':
      return 1;
    case 'stdvar':
      return value / n;
    case 'stddev':
      return Math.sqrt(value / n);
    case 'quantile':
      return quantile(param, values);
    default:
      return value;
  }
}

/** count_values("label", v): how many series hold each value, the value as a label. */
async function countValues(e: AggregateNode, ctx: EvalContext): Promise<EvalValue> {
  const label = stringOf(await ctx.evaluate(e.param!, ctx));
  if (!isValidLabelName(label)) throw executionError(`invalid label name ${goQuote(label)}`);
  const input = vectorOf(await ctx.evaluate(e.expr, ctx));
  const steps = ctx.steps.length;
  // Each distinct value becomes a series of its own; group them per step, then as usual.
  const byValue = new Map<string, StepSeries>();
  const expanded: StepSeries[] = [];
  for (const s of input) {
    for (let i = 0; i < steps; i++) {
      if (s.present[i] === 0) continue;
      const text = formatGoFloatF(s.values[i]!);
      const labels = setLabel(s.labels, label, text);
      const key = `${JSON.stringify(s.labels)}\u0000${text}`;
      let x = byValue.get(key);
      if (x === undefined) {
        x = newStepSeries(labels, steps);
        byValue.set(key, x);
        expanded.push(x);
      }
      x.present[i] = 1;
    }
  }
  const out: StepSeries[] = [];
  for (const g of groupSeries(e, expanded, label)) {
    const result = newStepSeries(g.labels, steps);
    for (let i = 0; i < steps; i++) {
      let n = 0;
      for (const m of g.members) n += m.present[i]!;
      if (n === 0) continue;
      result.values[i] = n;
      result.present[i] = 1;
    }
    out.push(result);
  }
  if (out.length > 5_000_000) throw new CairnError(ErrorCodes.QUERY_EXECUTION, 'count_values produced too many series');
  return { type: 'vector', series: out };
}
