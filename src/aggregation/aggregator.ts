import type { AggregationRuleConfig } from '../config/index.js';
import type { LabelPairs } from '../query/index.js';
import type { FloatSeriesInfo, StoreStream, StreamPosition } from '../store/index.js';
import { IntervalAccumulator } from './accumulator.js';
import type { OutputPoint } from './emit.js';
import { emitInterval } from './emit.js';
import type { Rule } from './rule.js';
import { compileRule, groupLabels, matches, outputIndex } from './rule.js';
import type { AggregationSnapshot } from './snapshot.js';
import { packF64, unpackF64 } from './f64-pack.js';
import { restoreInterval, snapshotInterval } from './snapshot.js';
import { RuleState } from './rule-state.js';

const UNKNOWN = -2;
const NONE = -1;
const STALE_HI = 0x7ff00000;
const STALE_LO = 0x00000002;

/** Per rule counts for self telemetry (docs/telemetry.md). */
export interface RuleCounts {
  inputs: number;
  outputs: number;
  late: number;
  duplicates: number;
}

/**
 * Streaming aggregation (docs/aggregation.md): every flattened sample passes `observe` (live and
 * in WAL replay, in WAL order); samples of matching series add to the accumulator of their
 * rule, output group and interval (k·interval, (k+1)·interval] by sample time; `closeDue` turns
 * intervals older than their lag into output points. The state is snapshotted with each head
 * checkpoint at its WAL position: replay after a crash hands it exactly the later records, and
 * outputs already in the WAL are recognised there (their interval is not emitted again). Per
 * sample nothing is allocated: typed columns by series reference and by group.
 */
export class StreamAggregator implements StoreStream {
  readonly rules: readonly Rule[];
  readonly states: RuleState[];
  readonly counts: RuleCounts[];
  /** Records before this position are already in the state. */
  #from: StreamPosition = { segment: 0, offset: 0 };
  /** Per rule, by float series reference: the output group, NONE, or UNKNOWN (not looked at yet). */
  #groupOf: Int32Array<ArrayBuffer>[];
  /** By float series reference: rule index × OUTPUT_STRIDE + output index of an output series, NONE, or UNKNOWN. */
  #outputOf = new Int32Array(0);
  #lastT = new Float64Array(0);
  #lastV = new Float64Array(0);
  #drop = new Uint8Array(0);
  readonly #fingerprint: string;
  /** Outputs closed and handed to the store, not yet known to be in the WAL. */
  readonly unsent = new Set<OutputPoint>();

  readonly #now: () => number;

  constructor(rules: readonly AggregationRuleConfig[], restored: AggregationSnapshot | null, now: () => number = Date.now) {
    this.#now = now;
    this.rules = rules.map((r, i) => compileRule(r, i));
    this.states = this.rules.map((r) => new RuleState(r));
    this.counts = this.rules.map(() => ({ inputs: 0, outputs: 0, late: 0, duplicates: 0 }));
    this.#groupOf = this.rules.map(() => new Int32Array(0));
    this.#fingerprint = JSON.stringify(rules);
    if (restored !== null && restored.rules === this.#fingerprint) this.#restore(restored);
  }

  get dropMask(): Uint8Array | null {
    return this.#drop.length > 0 ? this.#drop : null;
  }

  observe(refs: Uint32Array, times: Float64Array, values: Float64Array, length: number, position: StreamPosition, series: FloatSeriesInfo): void {
    if (before(position, this.#from)) return;
    const words = new Uint32Array(values.buffer, values.byteOffset, length * 2);
    const now = this.#now();
    for (let i = 0; i < length; i++) {
      const ref = refs[i]!;
      if (ref >= this.#outputOf.length) this.#grow(ref + 1);
      if (this.#outputOf[ref] === UNKNOWN) this.#classify(ref, series);
      const t = times[i]!;
      const v = values[i]!;
      const out = this.#outputOf[ref]!;
      if (out >= 0) {
        this.states[Math.floor(out / 64)]!.sawOutput(this.#groupOf[Math.floor(out / 64)]![ref]!, out % 64, t, v);
        continue;
      }
      if (words[2 * i + 1] === STALE_HI && words[2 * i] === STALE_LO) continue;
      let matched = false;
      for (let r = 0; r < this.rules.length; r++) if (this.#groupOf[r]![ref]! >= 0) matched = true;
      if (!matched) continue;
      const lastT = this.#lastT[ref]!;
      if (t <= lastT) {
        for (let r = 0; r < this.rules.length; r++) if (this.#groupOf[r]![ref]! >= 0) this.counts[r]!.duplicates++;
        continue;
      }
      for (let r = 0; r < this.rules.length; r++) {
        const g = this.#groupOf[r]![ref]!;
        if (g < 0) continue;
        const rule = this.rules[r]!;
        // An input silent for longer than the staleness interval starts again from its next sample.
        const fresh = Number.isNaN(lastT) || t - lastT > rule.stalenessMs;
        const increase = series.isDelta(ref) ? v : fresh ? NaN : v >= this.#lastV[ref]! ? v - this.#lastV[ref]! : v;
        this.states[r]!.lastInputAt = now;
        if (this.states[r]!.add(rule, g, t, v, increase, ref)) this.counts[r]!.inputs++;
        else this.counts[r]!.late++;
      }
      this.#lastT[ref] = t;
      this.#lastV[ref] = v;
    }
  }

  /** Closes every interval whose end plus lag is past `now`; returns the outputs to append. */
  closeDue(now: number): OutputPoint[] {
    const points: OutputPoint[] = [];
    this.rules.forEach((rule, r) => {
      for (const [end, acc] of this.states[r]!.due(rule, now)) {
        const before = points.length;
        emitInterval(rule, this.states[r]!, end, acc, points);
        this.counts[r]!.outputs += points.length - before;
      }
      const map = this.states[r]!.forgetStale(rule);
      if (map !== null) this.#regroup(r, map);
    });
    return points;
  }

  /** Series of forgotten groups are looked at again on their next sample; the others follow their group's new index. */
  #regroup(rule: number, map: Int32Array): void {
    const groupOf = this.#groupOf[rule]!;
    for (let ref = 0; ref < groupOf.length; ref++) {
      const g = groupOf[ref]!;
      if (g < 0) continue;
      const to = map[g]!;
      groupOf[ref] = to >= 0 ? to : UNKNOWN;
      if (to < 0) this.#outputOf[ref] = UNKNOWN;
    }
  }

  snapshot(position: StreamPosition): AggregationSnapshot {
    const inputs: number[] = [];
    for (let ref = 0; ref < this.#lastT.length; ref++) if (!Number.isNaN(this.#lastT[ref]!)) inputs.push(ref, this.#lastT[ref]!, this.#lastV[ref]!);
    return {
      version: 1,
      position: { segment: position.segment, offset: position.offset },
      rules: this.#fingerprint,
      perRule: this.states.map((s) => ({
        closedThrough: finite(s.closedThrough),
        emittedThrough: finite(s.emittedThrough),
        walThrough: finite(s.walThrough),
        watermark: finite(s.watermark),
        groups: s.groups.map((g) => ({ name: g.name, labels: g.labels })),
        totals: packF64(s.totals, s.groups.length),
        lastSeen: packF64(s.lastSeen, s.groups.length),
        intervals: [...s.intervals].map(([end, a]) => snapshotInterval(end, a)),
      })),
      inputs: packF64(Float64Array.from(inputs), inputs.length),
      unsent: [...this.unsent].map((p) => ({ rule: p.rule, name: p.name, labels: p.labels, t: p.t, v: packF64(Float64Array.of(p.v), 1) })),
    };
  }

  persist: (snapshot: unknown) => Promise<void> = async () => undefined;

  /** Unsent outputs the WAL does not have (after replay: those a crash kept from it). */
  resend(): OutputPoint[] {
    const out = [...this.unsent].filter((p) => p.t > this.states[p.rule]!.walThrough);
    this.unsent.clear();
    return out;
  }

  #restore(s: AggregationSnapshot): void {
    this.#from = s.position;
    s.perRule.forEach((r, i) => {
      const state = this.states[i]!;
      state.closedThrough = r.closedThrough ?? -Infinity;
      state.emittedThrough = r.emittedThrough ?? -Infinity;
      state.walThrough = r.walThrough ?? -Infinity;
      state.watermark = r.watermark ?? -Infinity;
      const totals = unpackF64(r.totals);
      // A state of an earlier build has no times: its groups count as seen at the watermark.
      const seen = r.lastSeen === undefined ? null : unpackF64(r.lastSeen);
      r.groups.forEach((g, k) => {
        const at = state.groupFor(g.name, g.labels as LabelPairs, totals[k]!);
        state.lastSeen[at] = seen === null ? state.watermark : seen[k]!;
      });
      for (const iv of r.intervals) state.intervals.set(iv.end, restoreInterval(iv));
    });
    for (const p of s.unsent) this.unsent.add({ rule: p.rule, name: p.name, labels: p.labels, t: p.t, v: unpackF64(p.v)[0]! });
    const inputs = unpackF64(s.inputs);
    for (let k = 0; k + 2 < inputs.length; k += 3) {
      const ref = inputs[k]!;
      if (ref >= this.#lastT.length) this.#grow(ref + 1);
      this.#lastT[ref] = inputs[k + 1]!;
      this.#lastV[ref] = inputs[k + 2]!;
    }
  }

  /** First sight of a float series: an output of a rule, an input of some rules, or neither. */
  #classify(ref: number, series: FloatSeriesInfo): void {
    const labels = series.labelsOf(ref) ?? [];
    const name = labels.find(([k]) => k === '__name__')?.[1] ?? '';
    this.#outputOf[ref] = NONE;
    for (const rule of this.rules) {
      const out = outputIndex(rule, name);
      if (out < 0) continue;
      const inputName = name.slice(0, name.lastIndexOf(rule.infix));
      const kept = labels.filter(([k]) => k !== '__name__' && k !== 'quantile');
      this.#groupOf[rule.index]![ref] = this.states[rule.index]!.groupFor(inputName, kept, 0);
      this.#outputOf[ref] = rule.index * 64 + out;
      if (!rule.toStore) this.#drop[ref] = 1;
      return;
    }
    for (const rule of this.rules) {
      if (!matches(rule, labels)) {
        this.#groupOf[rule.index]![ref] = NONE;
        continue;
      }
      this.#groupOf[rule.index]![ref] = this.states[rule.index]!.groupFor(name, groupLabels(rule, labels), 0);
      if (!rule.keepInput) this.#drop[ref] = 1;
    }
  }

  #grow(min: number): void {
    const n = Math.max(1024, min * 2);
    const i32 = (a: Int32Array): Int32Array<ArrayBuffer> => {
      const b = new Int32Array(n).fill(UNKNOWN);
      b.set(a);
      return b;
    };
    const f64 = (a: Float64Array): Float64Array<ArrayBuffer> => {
      const b = new Float64Array(n).fill(NaN);
      b.set(a);
      return b;
    };
    this.#outputOf = i32(this.#outputOf);
    this.#groupOf = this.#groupOf.map(i32);
    this.#lastT = f64(this.#lastT);
    this.#lastV = f64(this.#lastV);
    const drop = new Uint8Array(n);
    drop.set(this.#drop);
    this.#drop = drop;
  }
}

/** -Infinity (nothing yet) as null: JSON has no infinities. */
function finite(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

function before(a: StreamPosition, b: StreamPosition): boolean {
  return a.segment < b.segment || (a.segment === b.segment && a.offset < b.offset);
}

export { IntervalAccumulator };
