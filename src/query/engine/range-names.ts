import { getLabel, METRIC_NAME } from './labels.js';
import type { EvalContext } from './context.js';
import type { StepSeries } from './values.js';

/** Functions that act like an offset and so keep the metric name (unless their input already lost it). */
export const KEEP_NAME = new Set(['last_over_time', 'first_over_time']);
const COUNTER_SUFFIXES = ['_total', '_sum', '_count', '_bucket'];

/** rate() and increase() of a series whose name does not look like a counter's: an info, as Prometheus gives. */
function warnNotCounter(s: { readonly labels: readonly (readonly [string, string])[] }, ctx: EvalContext): void {
  const name = getLabel(s.labels, METRIC_NAME);
  if (name !== '' && !COUNTER_SUFFIXES.some((x) => name.endsWith(x))) {
    ctx.annotations.info(`metric might not be a counter, name does not end in _total/_sum/_count/_bucket: ${JSON.stringify(name)}`);
  }
}

/**
 * A range function's result for one input series once its steps are computed: nothing when no
 * step has a value; otherwise the not-a-counter info for rate and increase, then the sink (when
 * streaming) or the output list, its samples counted against max_samples.
 */
export function keepRangeResult(result: StepSeries, found: number, input: { readonly labels: readonly (readonly [string, string])[] }, func: string, ctx: EvalContext, sink: ((s: StepSeries) => void) | undefined, out: StepSeries[]): void {
  if (found === 0) return;
  if (func === 'rate' || func === 'increase') warnNotCounter(input, ctx);
  if (sink !== undefined) {
    sink(result);
    return;
  }
  ctx.budget.hold(found);
  out.push(result);
}
