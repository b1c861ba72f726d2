import RE2 from 're2';
import { badData } from './errors.js';
import type { LabelMatcher } from './querier.js';

/** A matcher with its test compiled once. */
export type CompiledMatcher = LabelMatcher & { readonly test: (value: string) => boolean };

/** A compiled PromQL regex: RE2 (linear time, no backtracking) behind the RegExp methods used here. */
export interface MatcherRegex {
  test(value: string): boolean;
  exec(value: string): RegExpExecArray | null;
}

/** Compiled regexes by source: dashboards repeat the same few selectors. */
const regexCache = new Map<string, MatcherRegex>();
const REGEX_CACHE_MAX = 1000;

/**
 * The fully anchored regex of a PromQL regex matcher value, compiled as Prometheus compiles
 * it: `^(?s:<value>)$`, RE2 syntax and semantics. RE2 runs in time linear in the input, so no
 * pattern (`(a+)+b` and the like) can stall the event loop by backtracking. Throws a bad_data
 * CairnError naming the problem.
 */
export function compileMatcherRegex(value: string): MatcherRegex {
  let re = regexCache.get(value);
  if (re !== undefined) return re;
  try {
    re = new RE2(`^(?s:${value})$`, 'u') as unknown as MatcherRegex;
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
