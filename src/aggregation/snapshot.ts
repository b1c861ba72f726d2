import type { LabelPairs } from '../query/index.js';
import { IntervalAccumulator } from './accumulator.js';
import { packF64, unpackF64 } from './f64-pack.js';
import type { ValueSetSnapshot } from './value-set.js';
import { ValueSet } from './value-set.js';

const COLUMNS = ['count', 'sum', 'min', 'max', 'last', 'lastT', 'mean', 'm2', 'increase'] as const;

export interface IntervalSnapshot {
  readonly end: number;
  readonly groups: number;
  readonly columns: Record<string, string>;
  /**
   * Per group, its values (value-set.ts): f64b64 of the exact values (NaN and ±Infinity kept),
   * or the t-digest's centroids; a state written before as a number array is still read.
   */
  readonly values: (ValueSetSnapshot | (number | null)[] | null)[];
  readonly series: (number[] | null)[];
}

export interface RuleSnapshot {
  /** Times; null for none yet (JSON has no -Infinity). */
  readonly closedThrough: number | null;
  readonly emittedThrough: number | null;
  readonly walThrough: number | null;
  readonly watermark: number | null;
  readonly groups: { readonly name: string; readonly labels: LabelPairs }[];
  readonly totals: string;
  /** Per group, its newest input sample time (f64b64); absent in states of earlier builds. */
  readonly lastSeen?: string;
  readonly intervals: IntervalSnapshot[];
}

/** The aggregation state file (docs/aggregation.md, "State"): JSON, float columns as base64 of their bytes. */
export interface AggregationSnapshot {
  readonly version: 1;
  /** Every WAL record before this position is in the state. */
  readonly position: { readonly segment: number; readonly offset: number };
  /** Fingerprint of the rules: a state saved for other rules is not restored. */
  readonly rules: string;
  readonly perRule: RuleSnapshot[];
  /** Per input float series: its reference, newest sample time and value. */
  readonly inputs: string;
  /** Outputs closed but not yet in the WAL when the snapshot was taken: sent again after a crash. */
  readonly unsent: { readonly rule: number; readonly name: string; readonly labels: LabelPairs; readonly t: number; readonly v: string }[];
}

export function snapshotInterval(end: number, a: IntervalAccumulator): IntervalSnapshot {
  const columns: Record<string, string> = {};
  for (const k of COLUMNS) columns[k] = packF64(a[k], a.groups);
  return { end, groups: a.groups, columns, values: Array.from({ length: a.groups }, (_, g) => a.values[g]?.snapshot() ?? null), series: Array.from({ length: a.groups }, (_, g) => (a.series[g] === undefined ? null : [...a.series[g]!])) };
}

export function restoreInterval(s: IntervalSnapshot): IntervalAccumulator {
  const a = new IntervalAccumulator();
  a.groups = s.groups;
  for (const k of COLUMNS) {
    const col = unpackF64(s.columns[k] ?? '');
    const sized = new Float64Array(Math.max(8, col.length));
    sized.set(col);
    a[k] = sized;
  }
  a.values = s.values.map((v) => (v === null ? undefined : ValueSet.restore(v)));
  a.series = s.series.map((v) => (v === null ? undefined : new Set(v)));
  return a;
}
