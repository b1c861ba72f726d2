import { translateRe2 } from './re2-translate.js';

/** A Prometheus label matcher. Regexes are fully anchored, as in Prometheus. */
export interface LabelMatcher {
  readonly name: string;
  readonly type: '=' | '!=' | '=~' | '!~';
  readonly value: string;
}

export type CompiledMatcher = LabelMatcher & { readonly test: (value: string) => boolean };

const cache = new Map<string, RegExp>();

export function compileMatcher(m: LabelMatcher): CompiledMatcher {
  switch (m.type) {
    case '=':
      return { ...m, test: (v) => v === m.value };
    case '!=':
      return { ...m, test: (v) => v !== m.value };
    case '=~': {
      const re = anchored(m.value);
      return { ...m, test: (v) => re.test(v) };
    }
    case '!~': {
      const re = anchored(m.value);
      return { ...m, test: (v) => !re.test(v) };
    }
  }
}

/** PromQL regexes are RE2: translated as the API does (fully anchored, `.` a code point). */
function anchored(source: string): RegExp {
  let re = cache.get(source);
  if (re === undefined) {
    const translated = translateRe2(source);
    re = new RegExp(`^(?:${translated.source})$`, `su${translated.flags}`);
    if (cache.size > 1000) cache.clear();
    cache.set(source, re);
  }
  return re;
}
