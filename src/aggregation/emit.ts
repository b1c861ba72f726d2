import type { LabelPairs } from '../query/index.js';
import type { IntervalAccumulator } from './accumulator.js';
import type { Rule } from './rule.js';
import type { RuleState } from './rule-state.js';

/** One output sample: its series (name and labels, `quantile` included) and value at the interval's end. */
export interface OutputPoint {
  readonly rule: number;
  readonly name: string;
  readonly labels: LabelPairs;
  readonly t: number;
  readonly v: number;
}

/** The outputs of one closed interval, per group that had samples, appended to `out`. */
export function emitInterval(rule: Rule, state: RuleState, end: number, acc: IntervalAccumulator, out: OutputPoint[]): void {
  for (let g = 0; g < acc.groups; g++) {
    const n = acc.count[g]!;
    if (!(n > 0)) continue;
    const group = state.groups[g]!;
    const push = (kind: string, v: number, extra?: readonly [string, string]): void => {
      const labels = extra === undefined ? group.labels : [...group.labels, extra].sort((a, b) => (a[0] < b[0] ? -1 : 1));
      out.push({ rule: rule.index, name: `${group.name}${rule.infix}${kind}`, labels, t: end, v });
    };
    for (const o of rule.outputs) {
      switch (o.kind) {
        case 'total':
          state.totals[g]! += acc.increase[g]!;
          push(o.kind, state.totals[g]!);
          break;
        case 'increase':
          push(o.kind, acc.increase[g]!);
          break;
        case 'count_samples':
          push(o.kind, n);
          break;
        case 'sum_samples':
          push(o.kind, acc.sum[g]!);
          break;
        case 'min':
          push(o.kind, acc.min[g]!);
          break;
        case 'max':
          push(o.kind, acc.max[g]!);
          break;
        case 'avg':
          push(o.kind, acc.sum[g]! / n);
          break;
        case 'last':
          push(o.kind, acc.last[g]!);
          break;
        case 'stdvar':
          push(o.kind, acc.m2[g]! / n);
          break;
        case 'stddev':
          push(o.kind, Math.sqrt(acc.m2[g]! / n));
          break;
        case 'count_series':
          push(o.kind, acc.series[g]?.size ?? 0);
          break;
        case 'quantiles':
          for (const phi of o.phis) push(o.kind, acc.values[g]?.quantile(phi) ?? NaN, ['quantile', String(phi)]);
          break;
      }
    }
  }
}
