import { executionError } from '../errors.js';
import type { BinaryNode, VectorMatching } from '../promql/ast.js';
import { COMPARISON_OPS } from '../promql/ast.js';
import type { LabelPairs } from '../querier.js';
import { dropsName, elementOp } from './binary-ops.js';
import { getLabel, labelsKey, labelsString, METRIC_NAME, setLabel } from './labels.js';
import type { StepSeries } from './values.js';
import { newStepSeries } from './values.js';

/** The labels two series must share to match: `on(...)` ones, or all but `ignoring(...)` ones and the name. */
export function matchSignature(m: VectorMatching, labels: LabelPairs): string {
  let key = '';
  if (m.on) {
    for (const [k, v] of labels) if (m.labels.includes(k)) key += `${k}\u0000${v}\u0001`;
  } else {
    for (const [k, v] of labels) if (k !== METRIC_NAME && !m.labels.includes(k)) key += `${k}\u0000${v}\u0001`;
  }
  return key;
}

function matchedLabels(m: VectorMatching, labels: LabelPairs): LabelPairs {
  return labels.filter(([k]) => (m.on ? m.labels.includes(k) : k !== METRIC_NAME && !m.labels.includes(k)));
}

/** Prometheus' resultMetric: the "many" side's labels, trimmed for one-to-one, plus group_x labels from the "one" side. */
function resultLabels(e: BinaryNode, many: LabelPairs, one: LabelPairs): LabelPairs {
  const m = e.matching;
  let out = dropsName(e.op) ? many.filter(([k]) => k !== METRIC_NAME) : many;
  if (m.card === 'one-to-one') out = out.filter(([k]) => m.labels.includes(k) === m.on);
  for (const name of m.include) out = setLabel(out, name, getLabel(one, name));
  return out;
}

/**
 * Arithmetic and comparison between two instant vectors with one-to-one, many-to-one
 * (group_left) or one-to-many (group_right) matching. Signatures are computed once per
 * series; the cardinality errors are raised only for steps where the offending samples exist.
 */
export function evalVectorMatch(e: BinaryNode, lhsIn: StepSeries[], rhsIn: StepSeries[], steps: number): StepSeries[] {
  const m = e.matching;
  const swapped = m.card === 'one-to-many';
  const [many, one] = swapped ? [rhsIn, lhsIn] : [lhsIn, rhsIn];
  const oneBySig = new Map<string, StepSeries[]>();
  for (const s of one) {
    const sig = matchSignature(m, s.labels);
    const list = oneBySig.get(sig);
    if (list === undefined) oneBySig.set(sig, [s]);
    else list.push(s);
  }
  const manyPresent = new Uint8Array(steps);
  for (const s of many) for (let i = 0; i < steps; i++) manyPresent[i]! |= s.present[i]!;
  for (const list of oneBySig.values()) if (list.length > 1) checkOneSide(m, list, manyPresent, swapped);
  const comparison = COMPARISON_OPS.has(e.op);
  const out = new Map<string, StepSeries>();
  const matchedAt = new Map<string, Uint8Array>();
  for (const l of many) {
    const sig = matchSignature(m, l.labels);
    const candidates = oneBySig.get(sig);
    if (candidates === undefined) continue;
    for (let i = 0; i < steps; i++) {
      if (l.present[i] === 0) continue;
      const r = candidates.length === 1 ? (candidates[0]!.present[i] === 1 ? candidates[0] : undefined) : candidates.find((c) => c.present[i] === 1);
      if (r === undefined) continue;
      const [a, b] = swapped ? [r.values[i]!, l.values[i]!] : [l.values[i]!, r.values[i]!];
      // Two series of one side matching the same one is an error even where a comparison would drop them.
      if (m.card === 'one-to-one') {
        let seen = matchedAt.get(sig);
        if (seen === undefined) matchedAt.set(sig, (seen = new Uint8Array(steps)));
        if (seen[i] === 1) throw executionError('multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)');
        seen[i] = 1;
      }
      const { value, keep } = elementOp(e.op, a, b);
      if (!e.bool && !keep) continue;
      const labels = resultLabels(e, l.labels, r.labels);
      const key = labelsKey(labels);
      let target = out.get(key);
      if (target === undefined) out.set(key, (target = newStepSeries(labels, steps, e.bool || (comparison && l.dropName))));
      if (target.present[i] === 1) {
        throw executionError(m.card === 'one-to-one' ? 'vector cannot contain metrics with the same labelset' : 'multiple matches for labels: grouping labels must ensure unique matches');
      }
      target.present[i] = 1;
      target.values[i] = e.bool ? (keep ? 1 : 0) : value;
    }
  }
  return [...out.values()];
}

/** Two series of the "one" side with the same signature at the same step make the match ambiguous. */
function checkOneSide(m: VectorMatching, list: StepSeries[], manyPresent: Uint8Array, swapped: boolean): void {
  for (let i = 0; i < manyPresent.length; i++) {
    if (manyPresent[i] === 0) continue;
    const present = list.filter((s) => s.present[i] === 1);
    if (present.length < 2) continue;
    const [first, second] = [present[1]!, present[0]!];
    throw executionError(
      `found duplicate series for the match group ${labelsString(matchedLabels(m, first.labels))} on the ${swapped ? 'left' : 'right'} hand-side of the operation: [${labelsString(first.labels)}, ${labelsString(second.labels)}];many-to-many matching not allowed: matching labels must be unique on one side`,
    );
  }
}
