import type { CallNode } from '../promql/ast.js';
import type { LabelPairs } from '../querier.js';
import type { EvalContext } from './context.js';
import type { Bucket } from './bucket-math.js';
import { bucketFraction, bucketQuantile } from './bucket-math.js';
import { getLabel, METRIC_NAME } from './labels.js';
import { goFloat } from './format-float.js';
import type { EvalValue, StepSeries } from './values.js';
import { newStepSeries, scalarOf, vectorOf } from './values.js';

interface BucketGroup {
  readonly labels: LabelPairs;
  readonly members: { series: StepSeries; upperBound: number }[];
}

/** Series of classic `_bucket{le}` histograms grouped by their labels other than `le`. */
function groupBuckets(series: StepSeries[], ctx: EvalContext): BucketGroup[] {
  const groups = new Map<string, BucketGroup>();
  for (const s of series) {
    const le = getLabel(s.labels, 'le');
    const upperBound = parseGoFloat(le);
    if (upperBound === undefined) {
      ctx.annotations.warn(`bucket label "le" is missing or has a malformed value of ${JSON.stringify(le)} for metric name ${JSON.stringify(getLabel(s.labels, METRIC_NAME))}`);
      continue;
    }
    const labels = s.labels.filter(([k]) => k !== 'le');
    const key = JSON.stringify(labels);
    let g = groups.get(key);
    if (g === undefined) groups.set(key, (g = { labels, members: [] }));
    g.members.push({ series: s, upperBound });
  }
  return [...groups.values()];
}

/** Go's strconv.ParseFloat as far as `le` values go: decimals, exponents, ±Inf, NaN. */
function parseGoFloat(text: string): number | undefined {
  const t = text.replaceAll('_', '');
  if (/^[+-]?(inf|infinity)$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(t)) return NaN;
  if (/^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i.test(t) || /^[+-]?0x[0-9a-f]+(?:\.[0-9a-f]*)?(?:p[+-]?\d+)?$/i.test(t)) return Number(t);
  return undefined;
}

/** Runs `compute` per group and step over the buckets present at that step. */
function perGroup(groups: BucketGroup[], steps: number, compute: (buckets: Bucket[], step: number, g: BucketGroup) => number): StepSeries[] {
  const out: StepSeries[] = [];
  for (const g of groups) {
    const result = newStepSeries(g.labels, steps, true);
    for (let i = 0; i < steps; i++) {
      const buckets: Bucket[] = [];
      for (const m of g.members) if (m.series.present[i] === 1) buckets.push({ upperBound: m.upperBound, count: m.series.values[i]! });
      if (buckets.length === 0) continue;
      result.values[i] = compute(buckets, i, g);
      result.present[i] = 1;
    }
    if (result.present.includes(1)) out.push(result);
  }
  return out;
}

/** histogram_quantile(φ, classic buckets). */
export async function evalHistogramQuantile(e: CallNode, ctx: EvalContext): Promise<EvalValue> {
  const q = scalarOf(await ctx.evaluate(e.args[0]!, ctx));
  const groups = groupBuckets(vectorOf(await ctx.evaluate(e.args[1]!, ctx)), ctx);
  for (const v of q) if (Number.isNaN(v) || v < 0 || v > 1) ctx.annotations.warn(`quantile value should be between 0 and 1, got ${goFloat(v)}`);
  const series = perGroup(groups, ctx.steps.length, (buckets, i, g) => {
    const { value, forcedMonotonic } = bucketQuantile(q[i]!, buckets);
    if (forcedMonotonic) {
      ctx.annotations.info(
        `input to histogram_quantile needed to be fixed for monotonicity (see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile) for metric name ${JSON.stringify(getLabel(g.labels, METRIC_NAME))}`,
      );
    }
    return value;
  });
  return { type: 'vector', series };
}

/** histogram_fraction(lower, upper, classic buckets). */
export async function evalHistogramFraction(e: CallNode, ctx: EvalContext): Promise<EvalValue> {
  const lower = scalarOf(await ctx.evaluate(e.args[0]!, ctx));
  const upper = scalarOf(await ctx.evaluate(e.args[1]!, ctx));
  const groups = groupBuckets(vectorOf(await ctx.evaluate(e.args[2]!, ctx)), ctx);
  return { type: 'vector', series: perGroup(groups, ctx.steps.length, (buckets, i) => bucketFraction(lower[i]!, upper[i]!, buckets)) };
}
