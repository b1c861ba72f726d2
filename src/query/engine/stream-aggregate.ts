import type { AggregateNode, CallNode } from '../promql/ast.js';
import { unwrapParens } from '../promql/ast.js';
import type { LabelPairs } from '../querier.js';
import type { EvalContext } from './context.js';
import { METRIC_NAME, signature } from './labels.js';
import { evalRangeCall, matrixArgIndex } from './range-call.js';
import type { EvalValue, StepSeries } from './values.js';

const STREAMABLE = new Set<AggregateNode['op']>(['sum', 'count', 'min', 'max', 'group']);

interface GroupState {
  readonly labels: LabelPairs;
  readonly values: Float64Array;
  /** Kahan compensation per step (sum only). */
  readonly comp: Float64Array;
  readonly present: Uint8Array;
  dropName: boolean;
}

/** The range function call under an aggregation that can take its series one at a time, if any. */
export function streamableCall(e: AggregateNode): CallNode | undefined {
  if (e.param !== null || !STREAMABLE.has(e.op)) return undefined;
  const inner = unwrapParens(e.expr);
  if (inner.kind !== 'call' || inner.func === 'absent_over_time' || matrixArgIndex(inner) < 0) return undefined;
  return inner;
}

/**
 * `sum(rate(x[5m]))` and the like without holding every rate series: each result series of the
 * range function is folded into its group as it is made, in the same order and with the same
 * Kahan sums as the aggregation over a whole vector.
 */
export async function streamAggregate(e: AggregateNode, call: CallNode, ctx: EvalContext): Promise<EvalValue> {
  const steps = ctx.steps.length;
  const names = new Set(e.grouping);
  if (e.without) names.add(METRIC_NAME);
  const groups = new Map<string, GroupState>();
  const fold = (s: StepSeries): void => {
    const key = signature(s.labels, names, e.without);
    let g = groups.get(key);
    if (g === undefined) {
      g = { labels: s.labels.filter(([k]) => names.has(k) !== e.without), values: new Float64Array(steps), comp: new Float64Array(steps), present: new Uint8Array(steps), dropName: false };
      groups.set(key, g);
    }
    g.dropName ||= s.dropName;
    for (let i = 0; i < steps; i++) {
      if (s.present[i] === 0) continue;
      const f = s.values[i]!;
      if (g.present[i] === 0) {
        g.present[i] = 1;
        g.values[i] = e.op === 'count' || e.op === 'group' ? 1 : f;
        continue;
      }
      foldInto(e.op, g, i, f);
    }
  };
  await evalRangeCall(call, ctx, matrixArgIndex(call), fold);
  const out: StepSeries[] = [];
  for (const g of groups.values()) {
    if (e.op === 'sum') for (let i = 0; i < steps; i++) g.values[i] = g.values[i]! + g.comp[i]!;
    ctx.budget.hold(steps);
    out.push({ labels: g.labels, values: g.values, present: g.present, dropName: g.dropName });
  }
  return { type: 'vector', series: out };
}

function foldInto(op: AggregateNode['op'], g: GroupState, i: number, f: number): void {
  const v = g.values[i]!;
  switch (op) {
    case 'sum': {
      // Prometheus' kahanSumInc, per step.
      const t = v + f;
      if (t === Infinity || t === -Infinity) g.comp[i] = 0;
      else if (Math.abs(v) >= Math.abs(f)) g.comp[i] = g.comp[i]! + ((v - t) + f);
      else g.comp[i] = g.comp[i]! + ((f - t) + v);
      g.values[i] = t;
      break;
    }
    case 'count':
      g.values[i] = v + 1;
      break;
    case 'max':
      if (v < f || Number.isNaN(v)) g.values[i] = f;
      break;
    case 'min':
      if (v > f || Number.isNaN(v)) g.values[i] = f;
      break;
    default:
      break;
  }
}
