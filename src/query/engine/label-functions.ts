import { executionError } from '../errors.js';
import { compileMatcherRegex } from '../matchers.js';
import type { MatcherRegex } from '../matchers.js';
import type { CallNode } from '../promql/ast.js';
import type { EvalContext } from './context.js';
import { getLabel, isValidLabelName, METRIC_NAME, setLabel } from './labels.js';
import { mergeSameLabels } from './merge.js';
import type { EvalValue, StepSeries } from './values.js';
import { stringOf, vectorOf } from './values.js';

async function strings(e: CallNode, ctx: EvalContext, from: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = from; i < e.args.length; i++) out.push(stringOf(await ctx.evaluate(e.args[i]!, ctx)));
  return out;
}

/** label_replace(v, dst, replacement, src, regex): Go's regexp expansion of `$1`, `${name}`. */
export async function evalLabelReplace(e: CallNode, ctx: EvalContext): Promise<EvalValue> {
  const [dst, replacement, src, pattern] = (await strings(e, ctx, 1)) as [string, string, string, string];
  let regex: MatcherRegex;
  try {
    regex = compileMatcherRegex(pattern);
  } catch {
    throw executionError(`invalid regular expression in label_replace(): ${pattern}`);
  }
  if (!isValidLabelName(dst)) throw executionError(`invalid destination label name in label_replace(): ${dst}`);
  const series = vectorOf(await ctx.evaluate(e.args[0]!, ctx));
  for (const s of series) {
    const match = regex.exec(getLabel(s.labels, src));
    if (match === null) continue;
    relabel(s, dst, expand(replacement, match));
  }
  return { type: 'vector', series: mergeSameLabels(series) };
}

/** label_join(v, dst, separator, src…). */
export async function evalLabelJoin(e: CallNode, ctx: EvalContext): Promise<EvalValue> {
  const [dst, separator, ...sources] = (await strings(e, ctx, 1)) as [string, string, ...string[]];
  if (!isValidLabelName(dst)) throw executionError(`invalid destination label name in label_join(): ${dst}`);
  for (const src of sources) if (!isValidLabelName(src)) throw executionError(`invalid source label name in label_join(): ${src}`);
  const series = vectorOf(await ctx.evaluate(e.args[0]!, ctx));
  for (const s of series) relabel(s, dst, sources.map((src) => getLabel(s.labels, src)).join(separator));
  return { type: 'vector', series: mergeSameLabels(series) };
}

/** Setting `__name__` explicitly keeps the name past the end of the query. */
function relabel(s: StepSeries, dst: string, value: string): void {
  s.labels = setLabel(s.labels, dst, value);
  if (dst === METRIC_NAME) s.dropName = false;
}

/** Go's Regexp.ExpandString: `$$`, `$1`, `${1}`, `$name`, `${name}`; a malformed `$` stays literal. */
export function expand(template: string, match: RegExpExecArray): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const dollar = template.indexOf('$', i);
    if (dollar < 0) break;
    out += template.slice(i, dollar);
    if (template[dollar + 1] === '$') {
      out += '$';
      i = dollar + 2;
      continue;
    }
    const ref = /^\$(?:\{([\p{L}\p{N}_]+)\}|([\p{L}\p{N}_]+))/u.exec(template.slice(dollar));
    if (ref === null) {
      out += '$';
      i = dollar + 1;
      continue;
    }
    out += group(ref[1] ?? ref[2]!, match);
    i = dollar + ref[0].length;
  }
  return out + template.slice(i);
}

function group(name: string, match: RegExpExecArray): string {
  if (/^[0-9]+$/.test(name) && !(name.length > 1 && name[0] === '0')) {
    const n = Number(name);
    return n < match.length ? (match[n] ?? '') : '';
  }
  return match.groups?.[name] ?? '';
}
