import { badData } from '../errors.js';
import type { Expr, MatrixSelectorNode, VectorSelectorNode } from '../promql/ast.js';
import { unwrapParens } from '../promql/ast.js';
import type { Querier, TierInfo } from '../querier.js';
import type { Annotations } from './annotations.js';
import type { QueryFrame } from './context.js';
import { atMs, offsetMs, rangeMs } from './durations.js';
import { matrixArgIndex } from './range-call.js';

/** Range functions the engine computes from rollup rows (tier-functions.ts); exact on windows aligned to the rows. */
export const EXACT_ON_ROWS = new Set(['sum_over_time', 'count_over_time', 'min_over_time', 'max_over_time', 'avg_over_time', 'last_over_time', 'first_over_time', 'ts_of_last_over_time', 'ts_of_first_over_time', 'present_over_time', 'absent_over_time', 'rate', 'increase', 'delta']);
/** Answered from the rows' t-digest sketches, within their rank error (docs/tiers.md). */
export const SKETCHED_ON_ROWS = new Set(['quantile_over_time']);

/**
 * Which selectors read rollup rows, and from which tier (docs/tiers.md, "Choosing the tier").
 * A selector absent from the plan reads raw samples as before. Tier 0 here means raw samples as
 * rows, with older spans stitched in from the tiers (raw data has aged out).
 */
export interface TierPlan {
  readonly tiers: ReadonlyMap<VectorSelectorNode | MatrixSelectorNode, number>;
}

interface Use {
  readonly node: VectorSelectorNode | MatrixSelectorNode;
  readonly selector: VectorSelectorNode;
  /** The range function over a matrix selector, '' for an instant selector. */
  readonly func: string;
  readonly rangeMs: number;
}

/**
 * Plans a query: with `forced` (the API's `tier` parameter) every selector reads that tier where
 * its function can be computed from rows, else raw samples (said in the infos); without, each
 * selector reads the coarsest tier that answers it exactly — evaluation times, offsets and
 * ranges on the tier's grid, a function computed exactly from rows (or from sketches, for
 * quantile_over_time when gauges have them) — and raw samples otherwise, with the spans raw
 * data no longer holds stitched in from the tiers.
 */
export function planTiers(expr: Expr, frame: QueryFrame, querier: Querier, forced: number | undefined, annotations: Annotations): TierPlan | undefined {
  const tiers = querier.selectRollups === undefined ? [] : (querier.tiers?.() ?? []);
  if (forced !== undefined && forced > tiers.length) throw badData(`invalid parameter "tier": ${forced}: the store keeps ${tiers.length === 0 ? 'no rollup tiers' : `tiers 0 to ${tiers.length}`}`);
  if (tiers.length === 0 || forced === 0) return undefined;
  const uses: Use[] = [];
  collect(expr, frame, uses, false);
  const plan = new Map<VectorSelectorNode | MatrixSelectorNode, number>();
  const horizon = querier.rawHorizon?.() ?? -Infinity;
  for (const use of uses) {
    const rows = use.func === '' || EXACT_ON_ROWS.has(use.func) || (SKETCHED_ON_ROWS.has(use.func) && tiers.some((t) => t.sketches));
    if (forced !== undefined) {
      const t = tiers[forced - 1]!;
      if (!rows) {
        annotations.info(`${use.func} cannot be computed from rollup tier ${forced} (${resolution(t)}); evaluated on raw data`);
        continue;
      }
      plan.set(use.node, forced);
      const why = inexact(use, t, frame);
      if (why !== null) annotations.info(`rollup tier ${forced} (${resolution(t)}) answers this approximately: ${why}`);
      continue;
    }
    let chosen = 0;
    if (rows) for (const t of tiers) if (inexact(use, t, frame) === null && (!SKETCHED_ON_ROWS.has(use.func) || t.sketches)) chosen = t.level;
    if (chosen > 0) {
      plan.set(use.node, chosen);
      if (SKETCHED_ON_ROWS.has(use.func)) annotations.info(`${use.func} from the t-digest sketches of rollup tier ${chosen}: within their rank error`);
      continue;
    }
    if (earliestRead(use, frame) > horizon) continue;
    if (rows) {
      plan.set(use.node, 0);
      annotations.info(`raw samples before ${new Date(horizon).toISOString()} have aged out: older spans come from the rollup tiers`);
    } else annotations.info(`raw samples before ${new Date(horizon).toISOString()} have aged out, and ${use.func} cannot be computed from rollup tiers: older spans are missing`);
  }
  return { tiers: plan };
}

function resolution(t: TierInfo): string {
  return t.resolutionMs % 3_600_000 === 0 ? `${t.resolutionMs / 3_600_000}h` : t.resolutionMs % 60_000 === 0 ? `${t.resolutionMs / 60_000}m` : `${t.resolutionMs / 1000}s`;
}

/** Why a tier's rows do not answer this selector exactly, or null when they do. */
function inexact(use: Use, t: TierInfo, frame: QueryFrame): string | null {
  const res = t.resolutionMs;
  const at = atMs(use.selector.at, frame);
  const offset = offsetMs(use.selector.offset, frame);
  if (at !== null) {
    if ((at - offset) % res !== 0) return `the @ time is not a multiple of ${resolution(t)}`;
  } else {
    if ((frame.startMs - offset) % res !== 0) return `the evaluation time is not a multiple of ${resolution(t)}`;
    if (frame.stepMs % res !== 0) return `the step is not a multiple of ${resolution(t)}`;
  }
  if (use.func !== '' && use.rangeMs % res !== 0) return `the range is not a multiple of ${resolution(t)}`;
  return null;
}

/** The oldest sample time the selector may read. */
function earliestRead(use: Use, frame: QueryFrame): number {
  const at = atMs(use.selector.at, frame);
  const first = at ?? frame.startMs;
  return first - offsetMs(use.selector.offset, frame) - (use.func === '' ? frame.lookbackMs : use.rangeMs);
}

/** The selectors of the query with the range function over each; none inside subqueries (their own steps). */
function collect(e: Expr, frame: QueryFrame, out: Use[], inSubquery: boolean): void {
  switch (e.kind) {
    case 'vectorSelector':
      if (!inSubquery) out.push({ node: e, selector: e, func: '', rangeMs: 0 });
      return;
    case 'matrixSelector':
    case 'number':
    case 'string':
      return;
    case 'paren':
    case 'unary':
      return collect(e.expr, frame, out, inSubquery);
    case 'subquery':
      return collect(e.expr, frame, out, true);
    case 'aggregate':
      collect(e.expr, frame, out, inSubquery);
      if (e.param !== null) collect(e.param, frame, out, inSubquery);
      return;
    case 'binary':
      collect(e.lhs, frame, out, inSubquery);
      collect(e.rhs, frame, out, inSubquery);
      return;
    case 'call': {
      const m = matrixArgIndex(e);
      e.args.forEach((a, i) => {
        const inner = unwrapParens(a);
        if (i === m && inner.kind === 'matrixSelector') {
          if (!inSubquery) out.push({ node: inner, selector: inner.selector, func: e.func, rangeMs: rangeMs(inner.range, frame, 'range') });
        } else collect(a, frame, out, inSubquery);
      });
    }
  }
}
