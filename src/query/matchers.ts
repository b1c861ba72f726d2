import { badData } from './errors.js';
import type { LabelMatcher } from './querier.js';
import { translateRe2 } from './re2-translate.js';

/** A matcher with its test compiled once. */
export type CompiledMatcher = LabelMatcher & { readonly test: (value: string) => boolean };

/** Compiled regexes by source: dashboards repeat the same few selectors. */
const regexCache = new Map<string, RegExp>();
const REGEX_CACHE_MAX = 1000;

/**
 * The fully anchored JS RegExp for a PromQL regex matcher value, as Prometheus compiles it:
 * `^(?s:<value>)$`. Throws a bad_data CairnError naming the problem.
 */
export function compileMatcherRegex(value: string): RegExp {
  let re = regexCache.get(value);
  if (re !== undefined) return re;
  try {
    const { source, flags } = translateRe2(value);
    re = new RegExp(`^(?:${source})$`, `su${flags}`);
  } catch (err) {
    throw badData(`error parsing regexp ${JSON.stringify(value)}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (regexCache.size >= REGEX_CACHE_MAX) regexCache.clear();
  regexCache.set(value, re);
  return re;
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

export function compileMatcher(m: LabelMatcher): CompiledMatcher {
  return { ...m, test: matcherPredicate(m) };
}

/** Prometheus refuses selectors that would match every series: one matcher must reject the empty value. */
export function hasNonEmptyMatcher(matchers: readonly LabelMatcher[]): boolean {
  return matchers.some((m) => !matcherPredicate(m)(''));
}
