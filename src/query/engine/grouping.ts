import type { AggregateNode } from '../promql/ast.js';
import type { LabelPairs } from '../querier.js';
import { METRIC_NAME, signature } from './labels.js';
import type { StepSeries } from './values.js';

export interface Group {
  readonly labels: LabelPairs;
  readonly members: StepSeries[];
}

/**
 * Input series by their aggregation group, computed once per series (not per step). `by`
 * keeps the listed labels; `without` drops them and the metric name.
 */
export function groupSeries(e: Pick<AggregateNode, 'grouping' | 'without'>, series: StepSeries[], extraByLabel?: string): Group[] {
  const names = new Set(e.grouping);
  if (extraByLabel !== undefined && !e.without) names.add(extraByLabel);
  if (e.without) names.add(METRIC_NAME);
  const groups = new Map<string, Group>();
  const out: Group[] = [];
  for (const s of series) {
    const key = signature(s.labels, names, e.without);
    let g = groups.get(key);
    if (g === undefined) {
      g = { labels: s.labels.filter(([k]) => names.has(k) !== e.without), members: [] };
      groups.set(key, g);
      out.push(g);
    }
    g.members.push(s);
  }
  return out;
}
