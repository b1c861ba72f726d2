import { badData } from './api-error.js';
import type { LabelMatcher } from './querier.js';
import { translateRe2 } from '../store/index/index.js';

/**
 * The fully anchored JS RegExp for a PromQL regex matcher value, as Prometheus compiles it:
 * `^(?s:<value>)$`. Throws a bad_data CairnError naming the problem.
 */
export function compileMatcherRegex(value: string): RegExp {
  try {
    const { source, flags } = translateRe2(value);
    return new RegExp(`^(?:${source})$`, `su${flags}`);
  } catch (err) {
    throw badData(`error parsing regexp ${JSON.stringify(value)}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Whether a label value (the empty string for a missing label) satisfies the matcher. */
export function matcherPredicate(m: LabelMatcher): (value: string) => boolean {
  switch (m.type) {
    case '=':
      return (v) => v === m.value;
    case '!=':
      return (v) => v !== m.value;
    case '=~': {
      const re = compileMatcherRegex(m.value);
      return (v) => re.test(v);
    }
    case '!~': {
      const re = compileMatcherRegex(m.value);
      return (v) => !re.test(v);
    }
  }
}

/** Prometheus refuses selectors that would match every series: one matcher must reject the empty value. */
export function hasNonEmptyMatcher(matchers: readonly LabelMatcher[]): boolean {
  return matchers.some((m) => !matcherPredicate(m)(''));
}
