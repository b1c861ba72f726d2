import { getLabel, METRIC_NAME } from './labels.js';
import type { EvalContext } from './context.js';

/** Functions that act like an offset and so keep the metric name (unless their input already lost it). */
export const KEEP_NAME = new Set(['last_over_time', 'first_over_time']);
const COUNTER_SUFFIXES = ['_total', '_sum', '_count', '_bucket'];

/** rate() and increase() of a series whose name does not look like a counter's: an info, as Prometheus gives. */
export function warnNotCounter(s: { readonly labels: readonly (readonly [string, string])[] }, ctx: EvalContext): void {
  const name = getLabel(s.labels, METRIC_NAME);
  if (name !== '' && !COUNTER_SUFFIXES.some((x) => name.endsWith(x))) {
    ctx.annotations.info(`metric might not be a counter, name does not end in _total/_sum/_count/_bucket: ${JSON.stringify(name)}`);
  }
}
