import type { LabelPairs } from '../query/index.js';
import { IntervalAccumulator } from './accumulator.js';
import type { Rule } from './rule.js';

/** After no input for this long, intervals also close by the wall clock (see `due`). */
export const IDLE_MS = 5000;

export interface Group {
  /** The input metric name (outputs are named after it). */
  readonly name: string;
  readonly labels: LabelPairs;
}

/**
 * One rule's state: its output groups (input name and kept labels), the running `total` of
 * each, the open intervals by end time, and how far it has closed and emitted.
 */
export class RuleState {
  /** Which of the rule's outputs is `total` (-1: none): its samples in the WAL carry the running totals. */
  readonly #totalOutput: number;
  readonly groups: Group[] = [];
  readonly #byKey = new Map<string, number>();
  totals = new Float64Array(8);
  /** Per group, the newest input sample time (-Infinity: none since it was made). */
  lastSeen = new Float64Array(8).fill(-Infinity);
  readonly intervals = new Map<number, IntervalAccumulator>();
  /** Intervals ending at or before this are closed: their samples are late. */
  closedThrough = -Infinity;
  /** Outputs up to this interval end are in the WAL (seen live or in replay): never emitted again. */
  emittedThrough = -Infinity;
  /** The newest output sample of this rule found in the WAL (live or in replay). */
  walThrough = -Infinity;
  /** The newest input sample time of this rule: intervals ending `lag` before it close. */
  watermark = -Infinity;
  /** Wall-clock ms of the last input sample (not persisted: idle time counts from the start). */
  lastInputAt = -Infinity;

  constructor(rule: Rule) {
    this.#totalOutput = rule.outputs.findIndex((o) => o.kind === 'total');
  }

  /** The index of a group, created (with `total`) when new. */
  groupFor(name: string, labels: LabelPairs, total: number): number {
    const key = JSON.stringify([name, labels]);
    let g = this.#byKey.get(key);
    if (g === undefined) {
      g = this.groups.length;
      this.groups.push({ name, labels });
      this.#byKey.set(key, g);
      if (g >= this.totals.length) {
        const grown = new Float64Array(this.totals.length * 2);
        grown.set(this.totals);
        this.totals = grown;
        const seen = new Float64Array(grown.length).fill(-Infinity);
        seen.set(this.lastSeen);
        this.lastSeen = seen;
      }
      this.totals[g] = total;
      this.lastSeen[g] = -Infinity;
    }
    return g;
  }

  /** Adds a sample to its interval; false when that interval is already closed (late). */
  add(rule: Rule, g: number, t: number, v: number, increase: number, ref: number): boolean {
    const end = Math.ceil(t / rule.intervalMs) * rule.intervalMs;
    if (end <= this.closedThrough) return false;
    if (t > this.watermark) this.watermark = t;
    if (t > this.lastSeen[g]!) this.lastSeen[g] = t;
    let acc = this.intervals.get(end);
    if (acc === undefined) this.intervals.set(end, (acc = new IntervalAccumulator()));
    acc.add(g, t, v, increase, ref, rule.outputs.some((o) => o.kind === 'quantiles'), rule.outputs.some((o) => o.kind === 'count_series'));
    return true;
  }

  /**
   * Forgets the groups that have had no input sample for the rule's staleness interval (by
   * sample time, before what is closed) and have none in an open interval, with their `total`
   * (vmagent's staleness: a group that comes back starts again from 0). Returns old → new group
   * indices (-1: forgotten), or null when nothing was forgotten. Memory then follows the groups
   * alive, not every group ever seen.
   */
  forgetStale(rule: Rule): Int32Array | null {
    const before = this.closedThrough - Math.max(rule.stalenessMs, rule.intervalMs);
    const n = this.groups.length;
    const open = [...this.intervals.values()];
    const map = new Int32Array(n);
    let kept = 0;
    for (let g = 0; g < n; g++) {
      const stale = this.lastSeen[g]! < before && !open.some((a) => a.has(g));
      map[g] = stale ? -1 : kept++;
    }
    if (kept === n) return null;
    const groups: Group[] = [];
    const totals = new Float64Array(Math.max(8, kept));
    const lastSeen = new Float64Array(Math.max(8, kept)).fill(-Infinity);
    this.#byKey.clear();
    for (let g = 0; g < n; g++) {
      const to = map[g]!;
      if (to < 0) continue;
      const group = this.groups[g]!;
      groups.push(group);
      this.#byKey.set(JSON.stringify([group.name, group.labels]), to);
      totals[to] = this.totals[g]!;
      lastSeen[to] = this.lastSeen[g]!;
    }
    this.groups.length = 0;
    this.groups.push(...groups);
    this.totals = totals;
    this.lastSeen = lastSeen;
    for (const a of open) a.remap(map, kept);
    return map;
  }

  /** An output sample seen in the WAL: its interval is emitted; a `total` resumes from its value. */
  sawOutput(g: number, output: number, t: number, v: number): void {
    if (t > this.emittedThrough) this.emittedThrough = t;
    if (t > this.walThrough) this.walThrough = t;
    if (output === this.#totalOutput && g >= 0) this.totals[g] = v;
  }

  /**
   * Intervals due at wall-clock `now`, oldest first, removed from the state (already emitted
   * ones are dropped). An interval closes once the newest sample time is `lag` past its end;
   * once no input has come for IDLE_MS it also closes when the wall clock is `lag` past its
   * end and holds no sample newer than the newest seen, so the last intervals close when data
   * stops, while live samples still due in an open interval are not made late by a pause.
   */
  *due(rule: Rule, now: number): Iterable<[number, IntervalAccumulator]> {
    if (this.lastInputAt === -Infinity) this.lastInputAt = now;
    const step = rule.intervalMs;
    let limit = Math.floor((this.watermark - rule.lagMs) / step) * step;
    if (now - this.lastInputAt >= IDLE_MS) limit = Math.max(limit, Math.min(Math.ceil(this.watermark / step) * step, Math.floor((now - rule.lagMs) / step) * step));
    const ends = [...this.intervals.keys()].filter((e) => e <= limit).sort((a, b) => a - b);
    for (const end of ends) {
      const acc = this.intervals.get(end)!;
      this.intervals.delete(end);
      if (end > this.emittedThrough) {
        this.emittedThrough = end;
        yield [end, acc];
      }
    }
    if (limit > this.closedThrough) this.closedThrough = limit;
  }
}
