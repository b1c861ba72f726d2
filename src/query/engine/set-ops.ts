import type { BinaryNode } from '../promql/ast.js';
import { matchSignature } from './vector-match.js';
import type { StepSeries } from './values.js';
import { hasAny } from './values.js';

/** Per matching signature, the steps at which some series of a side holds a value. */
function presenceBySignature(e: BinaryNode, series: StepSeries[], steps: number): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const s of series) {
    const sig = matchSignature(e.matching, s.labels);
    let p = out.get(sig);
    if (p === undefined) out.set(sig, (p = new Uint8Array(steps)));
    for (let i = 0; i < steps; i++) p[i]! |= s.present[i]!;
  }
  return out;
}

/** `and`, `or`, `unless`: samples kept whole (labels and name flags), step by step. */
export function evalSetOp(e: BinaryNode, lhs: StepSeries[], rhs: StepSeries[], steps: number): StepSeries[] {
  switch (e.op) {
    case 'and':
    case 'unless': {
      const right = presenceBySignature(e, rhs, steps);
      const wantMatch = e.op === 'and';
      for (const s of lhs) {
        const p = right.get(matchSignature(e.matching, s.labels));
        for (let i = 0; i < steps; i++) if (((p?.[i] ?? 0) === 1) !== wantMatch) s.present[i] = 0;
      }
      return lhs.filter(hasAny);
    }
    default: {
      const left = presenceBySignature(e, lhs, steps);
      for (const s of rhs) {
        const p = left.get(matchSignature(e.matching, s.labels));
        if (p === undefined) continue;
        for (let i = 0; i < steps; i++) if (p[i] === 1) s.present[i] = 0;
      }
      return [...lhs, ...rhs.filter(hasAny)];
    }
  }
}
