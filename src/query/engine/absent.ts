import type { Expr } from '../promql/ast.js';
import { unwrapParens } from '../promql/ast.js';
import type { LabelPairs } from '../querier.js';
import { compareStrings } from '../label-order.js';

/**
 * The labels absent() and absent_over_time() give their one series, Prometheus' rule: in
 * matcher order, the first `=` on a label sets it, any other matcher on it removes it again.
 */
export function absentLabels(arg: Expr): LabelPairs {
  let inner = unwrapParens(arg);
  if (inner.kind === 'matrixSelector') inner = inner.selector;
  if (inner.kind !== 'vectorSelector') return [];
  const out = new Map<string, string>();
  const has = new Set<string>();
  for (const m of inner.matchers) {
    if (m.name === '__name__') continue;
    if (m.type === '=' && !has.has(m.name)) {
      out.set(m.name, m.value);
      has.add(m.name);
    } else out.delete(m.name);
  }
  return [...out.entries()].filter(([, v]) => v !== '').sort((a, b) => compareStrings(a[0], b[0]));
}
