import type { CallNode } from '../promql/ast.js';
import { unwrapParens } from '../promql/ast.js';
import { compareLabelSets } from '../label-order.js';
import { naturalCompare } from './natural-sort.js';
import type { EvalContext } from './context.js';
import { absentLabels } from './absent.js';
import { evalHistogramFraction, evalHistogramQuantile } from './histogram.js';
import { DATE_FUNCTIONS, dateOf, MATH_FUNCTIONS, roundTo } from './instant-functions.js';
import { evalLabelJoin, evalLabelReplace } from './label-functions.js';
import { getLabel } from './labels.js';
import { evalRangeCall, matrixArgIndex } from './range-call.js';
import { selectInstant } from './selectors.js';
import type { EvalValue, StepSeries } from './values.js';
import { newStepSeries, scalarOf, stringOf, vectorOf } from './values.js';

const SORTS = new Set(['sort', 'sort_desc', 'sort_by_label', 'sort_by_label_desc']);
const NATIVE_ONLY = new Set(['histogram_count', 'histogram_sum', 'histogram_avg', 'histogram_stddev', 'histogram_stdvar']);

/** A function call: range functions, label functions, and those of instant vectors or scalars. */
export async function evalCall(e: CallNode, ctx: EvalContext): Promise<EvalValue> {
  const matrixIndex = matrixArgIndex(e);
  if (matrixIndex >= 0) return evalRangeCall(e, ctx, matrixIndex);
  const steps = ctx.steps.length;
  if (SORTS.has(e.func) && steps > 1) ctx.annotations.warn('sort is ineffective for range queries since results are always ordered by labels');
  const math = MATH_FUNCTIONS.get(e.func);
  if (math !== undefined) return mapValues(await vector(e, 0, ctx), math);
  const date = DATE_FUNCTIONS.get(e.func);
  if (date !== undefined) return evalDate(e, ctx, date);
  if (NATIVE_ONLY.has(e.func)) {
    await vector(e, 0, ctx);
    return { type: 'vector', series: [] }; // float samples are not native histograms: no result, as in Prometheus
  }
  switch (e.func) {
    case 'time':
      return { type: 'scalar', values: ctx.steps.map((t) => t / 1000) };
    case 'start':
      return { type: 'scalar', values: new Float64Array(steps).fill(ctx.frame.startMs / 1000) };
    case 'end':
      return { type: 'scalar', values: new Float64Array(steps).fill(ctx.frame.endMs / 1000) };
    case 'step':
      return { type: 'scalar', values: new Float64Array(steps).fill(ctx.frame.stepMs / 1000) };
    case 'range':
      return { type: 'scalar', values: new Float64Array(steps).fill((ctx.frame.endMs - ctx.frame.startMs) / 1000) };
    case 'min_of':
    case 'max_of': {
      const [a, b] = [await scalar(e, 0, ctx), await scalar(e, 1, ctx)];
      return { type: 'scalar', values: a.map((x, i) => (e.func === 'min_of' ? Math.min(x, b[i]!) : Math.max(x, b[i]!))) };
    }
    case 'pi':
      return { type: 'scalar', values: new Float64Array(steps).fill(Math.PI) };
    case 'vector': {
      const values = scalarOf(await ctx.evaluate(e.args[0]!, ctx));
      return { type: 'vector', series: [{ labels: [], values, present: new Uint8Array(steps).fill(1), dropName: false }] };
    }
    case 'scalar':
      return { type: 'scalar', values: scalarFromVector(await vector(e, 0, ctx), steps) };
    case 'round': {
      const toNearest = e.args.length > 1 ? scalarOf(await ctx.evaluate(e.args[1]!, ctx)) : new Float64Array(steps).fill(1);
      return mapValues(await vector(e, 0, ctx), (v, i) => roundTo(v, toNearest[i]!));
    }
    case 'clamp': {
      const [series, min, max] = [await vector(e, 0, ctx), await scalar(e, 1, ctx), await scalar(e, 2, ctx)];
      return mapValues(series, (v, i) => (max[i]! < min[i]! ? undefined : Math.max(min[i]!, Math.min(max[i]!, v))));
    }
    case 'clamp_max': {
      const [series, max] = [await vector(e, 0, ctx), await scalar(e, 1, ctx)];
      return mapValues(series, (v, i) => Math.min(v, max[i]!));
    }
    case 'clamp_min': {
      const [series, min] = [await vector(e, 0, ctx), await scalar(e, 1, ctx)];
      return mapValues(series, (v, i) => Math.max(v, min[i]!));
    }
    case 'timestamp':
      return evalTimestamp(e, ctx);
    case 'absent':
      return absent(e, await vector(e, 0, ctx), steps);
    case 'sort':
    case 'sort_desc':
      return sortByValue(await vector(e, 0, ctx), e.func === 'sort_desc', steps);
    case 'sort_by_label':
    case 'sort_by_label_desc':
      return sortByLabels(e, ctx);
    case 'label_replace':
      return evalLabelReplace(e, ctx);
    case 'label_join':
      return evalLabelJoin(e, ctx);
    case 'histogram_quantile':
      return evalHistogramQuantile(e, ctx);
    case 'histogram_fraction':
      return evalHistogramFraction(e, ctx);
    default:
      throw new Error(`internal: function ${e.func} has no evaluator`);
  }
}

async function vector(e: CallNode, i: number, ctx: EvalContext): Promise<StepSeries[]> {
  return vectorOf(await ctx.evaluate(e.args[i]!, ctx));
}

async function scalar(e: CallNode, i: number, ctx: EvalContext): Promise<Float64Array> {
  return scalarOf(await ctx.evaluate(e.args[i]!, ctx));
}

/** Applies `f` to every present value (undefined removes it); the name goes. */
export function mapValues(series: StepSeries[], f: (v: number, step: number) => number | undefined): EvalValue {
  const out: StepSeries[] = [];
  for (const s of series) {
    let any = false;
    for (let i = 0; i < s.values.length; i++) {
      if (s.present[i] === 0) continue;
      const v = f(s.values[i]!, i);
      if (v === undefined) s.present[i] = 0;
      else {
        s.values[i] = v;
        any = true;
      }
    }
    s.dropName = true;
    if (any) out.push(s);
  }
  return { type: 'vector', series: out };
}

function scalarFromVector(series: StepSeries[], steps: number): Float64Array {
  const out = new Float64Array(steps).fill(NaN);
  const count = new Uint32Array(steps);
  for (const s of series) {
    for (let i = 0; i < steps; i++) {
      if (s.present[i] === 0) continue;
      count[i]!++;
      out[i] = s.values[i]!;
    }
  }
  for (let i = 0; i < steps; i++) if (count[i] !== 1) out[i] = NaN;
  return out;
}

async function evalDate(e: CallNode, ctx: EvalContext, f: (d: Date) => number): Promise<EvalValue> {
  if (e.args.length === 0) {
    const s = newStepSeries([], ctx.steps.length, true);
    ctx.steps.forEach((t, i) => {
      s.values[i] = f(dateOf(t / 1000));
      s.present[i] = 1;
    });
    return { type: 'vector', series: [s] };
  }
  return mapValues(await vector(e, 0, ctx), (v) => (Number.isFinite(v) ? f(dateOf(v)) : undefined));
}

/** timestamp(): of a selector, the time of the sample used; otherwise the evaluation time. */
async function evalTimestamp(e: CallNode, ctx: EvalContext): Promise<EvalValue> {
  const arg = unwrapParens(e.args[0]!);
  if (arg.kind === 'vectorSelector') {
    const times = new Map<StepSeries, Float64Array>();
    const series = await selectInstant(ctx, arg, times);
    return { type: 'vector', series: series.map((s) => withValues(s, times.get(s)!)) };
  }
  return mapValues(await vector(e, 0, ctx), (_v, i) => ctx.steps[i]! / 1000);
}

function withValues(s: StepSeries, times: Float64Array): StepSeries {
  for (let i = 0; i < s.values.length; i++) if (s.present[i] === 1) s.values[i] = times[i]! / 1000;
  s.dropName = true;
  return s;
}

function absent(e: CallNode, series: StepSeries[], steps: number): EvalValue {
  const out = newStepSeries(absentLabels(e.args[0]!), steps, true);
  for (let i = 0; i < steps; i++) {
    if (series.some((s) => s.present[i] === 1)) continue;
    out.values[i] = 1;
    out.present[i] = 1;
  }
  return { type: 'vector', series: out.present.includes(1) ? [out] : [] };
}

/** sort/sort_desc order an instant query's result by value, NaN last; a range query's result is ordered by labels anyway. */
function sortByValue(series: StepSeries[], descending: boolean, steps: number): EvalValue {
  if (steps !== 1) return { type: 'vector', series };
  const sorted = [...series].sort((a, b) => {
    const x = a.values[0]!;
    const y = b.values[0]!;
    if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) ? (Number.isNaN(y) ? 0 : 1) : -1;
    return descending ? y - x : x - y;
  });
  return { type: 'vector', series: sorted };
}

async function sortByLabels(e: CallNode, ctx: EvalContext): Promise<EvalValue> {
  const series = await vector(e, 0, ctx);
  const names: string[] = [];
  for (let i = 1; i < e.args.length; i++) names.push(stringOf(await ctx.evaluate(e.args[i]!, ctx)));
  const sign = e.func === 'sort_by_label_desc' ? -1 : 1;
  const sorted = [...series].sort((a, b) => {
    for (const n of names) {
      const c = naturalCompare(getLabel(a.labels, n), getLabel(b.labels, n));
      if (c !== 0) return sign * c;
    }
    return sign * compareLabelSets(a.labels, b.labels);
  });
  return { type: 'vector', series: sorted };
}
