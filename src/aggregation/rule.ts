import type { AggregationRuleConfig } from '../config/index.js';
import type { CompiledMatcher, LabelPairs } from '../query/index.js';
import { compileMatcher, parseSelector } from '../query/index.js';
import type { OutputSpec } from './outputs.js';
import { durationText, parseOutput } from './outputs.js';

/** A rule ready to match float series and name its outputs. */
export interface Rule {
  readonly index: number;
  readonly matchers: readonly CompiledMatcher[];
  readonly intervalMs: number;
  readonly lagMs: number;
  readonly stalenessMs: number;
  readonly by: readonly string[] | null;
  readonly without: readonly string[];
  readonly outputs: readonly OutputSpec[];
  readonly keepInput: boolean;
  readonly toStore: boolean;
  readonly toExporters: boolean;
  /** `:<interval>[_by_<labels>|_without_<labels>]_`: between the input name and the output. */
  readonly infix: string;
}

export function compileRule(c: AggregationRuleConfig, index: number): Rule {
  const outputs = c.outputs.map((o) => parseOutput(o)).filter((o): o is OutputSpec => typeof o !== 'string');
  const by = c.by.length > 0 ? [...c.by].sort() : null;
  const without = [...c.without].sort();
  const grouping = by !== null ? `_by_${by.join('_')}` : without.length > 0 ? `_without_${without.join('_')}` : '';
  return {
    index,
    matchers: parseSelector(c.match).map(compileMatcher),
    intervalMs: c.interval,
    lagMs: c.lag,
    stalenessMs: c.staleness_interval > 0 ? c.staleness_interval : 2 * c.interval,
    by,
    without,
    outputs,
    keepInput: c.keep_input,
    toStore: c.to.includes('store'),
    toExporters: c.to.includes('exporters'),
    infix: `:${durationText(c.interval)}${grouping}_`,
  };
}

export function matches(rule: Rule, labels: LabelPairs): boolean {
  return rule.matchers.every((m) => m.test(labels.find(([k]) => k === m.name)?.[1] ?? ''));
}

/** The labels an input series keeps in its output group (`__name__` apart), sorted. */
export function groupLabels(rule: Rule, labels: LabelPairs): LabelPairs {
  return labels.filter(([k]) => k !== '__name__' && (rule.by !== null ? rule.by.includes(k) : !rule.without.includes(k)));
}

/**
 * Which of the rule's outputs a series named `name` is, or -1 when it is none of them: the name
 * ends in the rule's infix and one of its outputs, and what comes before is a name the rule's
 * `__name__` matchers take (two rules with the same interval and grouping stay apart).
 */
export function outputIndex(rule: Rule, name: string): number {
  const at = name.lastIndexOf(rule.infix);
  if (at <= 0) return -1;
  const input = name.slice(0, at);
  if (!rule.matchers.every((m) => m.name !== '__name__' || m.test(input))) return -1;
  const kind = name.slice(at + rule.infix.length);
  return rule.outputs.findIndex((o) => o.kind === kind);
}
