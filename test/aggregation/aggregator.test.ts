// Streaming aggregation against a reference computed here: every output of every interval and
// group; duplicates ignored, late samples dropped and counted, state snapshot and restore in
// the middle of the stream changes nothing.
import { describe, expect, it } from 'vitest';
import type { AggregationRuleConfig } from '../../src/config/index.js';
import type { OutputPoint } from '../../src/aggregation/index.js';
import { StreamAggregator } from '../../src/aggregation/index.js';
import type { LabelPairs } from '../../src/query/index.js';
import { quantile } from '../../src/query/index.js';
import { mulberry32 } from '../support/prng.js';

const RULE: AggregationRuleConfig = {
  match: '{__name__=~"req_.*"}',
  interval: 10_000,
  by: [],
  without: ['pod'],
  outputs: ['total', 'increase', 'count_samples', 'sum_samples', 'min', 'max', 'avg', 'last', 'quantiles(0.5, 0.9)'],
  keep_input: false,
  to: ['store', 'exporters'],
  lag: 5_000,
  staleness_interval: 0,
};

interface Sample {
  ref: number;
  t: number;
  v: number;
}

/** Six counters in two routes, three pods each, with resets; plus a series no rule matches. */
function workload(seed: number): { labels: LabelPairs[]; samples: Sample[] } {
  const r = mulberry32(seed);
  const labels: LabelPairs[] = [];
  for (const route of ['x', 'y']) for (const pod of ['a', 'b', 'c']) labels.push([['__name__', 'req_total'], ['pod', pod], ['route', route]]);
  labels.push([['__name__', 'other'], ['pod', 'a']]);
  const samples: Sample[] = [];
  labels.forEach((_, ref) => {
    let v = Math.floor(r() * 100);
    for (let t = 1_000_000 + Math.floor(r() * 3000); t < 1_120_000; t += 2000 + Math.floor(r() * 2000)) {
      v = r() < 0.03 ? Math.floor(r() * 5) : v + Math.floor(r() * 10);
      samples.push({ ref, t, v });
    }
  });
  return { labels, samples: samples.sort((a, b) => a.t - b.t || a.ref - b.ref) };
}

function reference(labels: LabelPairs[], samples: Sample[]): Map<string, number> {
  const out = new Map<string, number>();
  const last = new Map<number, Sample>();
  const groups = new Map<string, { t: number; v: number; inc: number }[]>();
  for (const s of samples) {
    if (labels[s.ref]![0]![1] !== 'req_total') continue;
    const prev = last.get(s.ref);
    const inc = prev === undefined || s.t - prev.t > 20_000 ? NaN : s.v >= prev.v ? s.v - prev.v : s.v;
    last.set(s.ref, s);
    const end = Math.ceil(s.t / 10_000) * 10_000;
    const key = `${labels[s.ref]![2]![1]}@${end}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push({ t: s.t, v: s.v, inc });
  }
  const totals = new Map<string, number>();
  for (const key of [...groups.keys()].sort((a, b) => Number(a.split('@')[1]) - Number(b.split('@')[1]))) {
    const xs = groups.get(key)!;
    const [route] = key.split('@');
    const increase = xs.reduce((n, x) => (Number.isNaN(x.inc) ? n : n + x.inc), 0);
    totals.set(route!, (totals.get(route!) ?? 0) + increase);
    const vs = xs.map((x) => x.v);
    const sum = vs.reduce((a, b) => a + b, 0);
    const put = (k: string, v: number): void => void out.set(`${k}{route=${key}}`, v);
    put('total', totals.get(route!)!);
    put('increase', increase);
    put('count_samples', xs.length);
    put('sum_samples', sum);
    put('min', Math.min(...vs));
    put('max', Math.max(...vs));
    put('avg', sum / xs.length);
    put('last', xs.reduce((a, b) => (b.t >= a.t ? b : a)).v);
    put('quantiles0.5', quantile(0.5, [...vs]));
    put('quantiles0.9', quantile(0.9, [...vs]));
  }
  return out;
}

function keyed(points: OutputPoint[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of points) {
    expect(p.name.startsWith('req_total:10s_without_pod_')).toBe(true);
    const kind = p.name.slice('req_total:10s_without_pod_'.length);
    const q = p.labels.find(([k]) => k === 'quantile')?.[1] ?? '';
    const route = p.labels.find(([k]) => k === 'route')![1];
    const key = `${kind}${q}{route=${route}@${p.t}}`;
    expect(out.has(key)).toBe(false);
    out.set(key, p.v);
  }
  return out;
}

function feed(agg: StreamAggregator, labels: LabelPairs[], samples: Sample[], from: number, to: number, segment: number): void {
  const info = { labelsOf: (ref: number) => labels[ref], isDelta: () => false };
  for (let i = from; i < to; i += 7) {
    const chunk = samples.slice(i, Math.min(to, i + 7));
    agg.observe(Uint32Array.from(chunk, (s) => s.ref), Float64Array.from(chunk, (s) => s.t), Float64Array.from(chunk, (s) => s.v), chunk.length, { segment, offset: i }, info);
  }
}

/** Snapshotting halfway (through JSON, as the state file does) and restoring gives the outputs of one uninterrupted run. */
function expectRestoredSame(labels: LabelPairs[], samples: Sample[]): void {
  const whole = new StreamAggregator([RULE], null, () => 0);
  feed(whole, labels, samples, 0, samples.length, 1);
  const expected = keyed(whole.closeDue(1e9));
  const first = new StreamAggregator([RULE], null, () => 0);
  // Records are chunks of 7 samples: the snapshot falls between two of them.
  const half = Math.floor(samples.length / 14) * 7;
  feed(first, labels, samples, 0, half, 1);
  // Closing by the samples' own time (no idle flush): intervals `lag` behind the newest sample.
  const emitted = first.closeDue(0);
  const snap = JSON.parse(JSON.stringify(first.snapshot({ segment: 1, offset: half })));
  // Records before the snapshot's position replayed again are skipped.
  const second = new StreamAggregator([RULE], snap, () => 0);
  feed(second, labels, samples, 0, samples.length, 1);
  expect(keyed([...emitted, ...second.closeDue(1e9)])).toEqual(expected);
}

describe('streaming aggregation', () => {
  it('outputs equal the reference for every interval and group, resent duplicates ignored', () => {
    const { labels, samples } = workload(1);
    const agg = new StreamAggregator([RULE], null, () => 0);
    feed(agg, labels, samples, 0, samples.length, 1);
    // A client resending a batch it got no answer for: the same samples again.
    feed(agg, labels, samples, samples.length - 40, samples.length, 2);
    const got = keyed(agg.closeDue(1e9));
    expect(got).toEqual(reference(labels, samples));
    expect(agg.counts[0]!.duplicates).toBeGreaterThan(0);
    expect(agg.dropMask![0]).toBe(1);
    expect(agg.dropMask![6]).toBe(0);
  });

  it('a snapshot restored into a new aggregator in the middle of the stream gives the same outputs', () => {
    const { labels, samples } = workload(2);
    expectRestoredSame(labels, samples);
  });

  it('NaN and ±Infinity values of open intervals survive the snapshot exactly (quantiles)', () => {
    const { labels, samples } = workload(5);
    const odd = [NaN, Infinity, -Infinity];
    const changed = samples.map((s, i) => (i % 5 === 0 ? { ...s, v: odd[(i / 5) % 3]! } : s));
    expectRestoredSame(labels, changed);
  });

  it('samples for an interval already closed are late: dropped and counted', () => {
    const { labels, samples } = workload(3);
    const agg = new StreamAggregator([RULE], null, () => 0);
    feed(agg, labels, samples, 0, 50, 1);
    agg.closeDue(samples[samples.length - 1]!.t + 60_000);
    feed(agg, labels, samples, 50, samples.length, 2);
    expect(agg.counts[0]!.late).toBeGreaterThan(0);
  });

  it('live samples held up by a pause longer than the idle time but within lag are not late', () => {
    const { labels, samples } = workload(4);
    const rule = { ...RULE, lag: 20_000 };
    let wall = 0;
    const agg = new StreamAggregator([rule], null, () => wall);
    // Samples arrive as they are made, except that those made in an 8 s window arrive at its end.
    const pauseFrom = 1_053_000;
    const pauseTo = pauseFrom + 8000;
    const arrival = (t: number): number => (t >= pauseFrom && t < pauseTo ? pauseTo : t);
    const order = samples.map((s, i) => ({ s, i })).sort((a, b) => arrival(a.s.t) - arrival(b.s.t) || a.i - b.i);
    const points: OutputPoint[] = [];
    const info = { labelsOf: (ref: number) => labels[ref], isDelta: () => false };
    for (let k = 0; k < order.length; k++) {
      const { s } = order[k]!;
      // The clock runs through the pause with no input: the aggregator gets ticks, not samples.
      for (; wall < arrival(s.t); wall += 500) points.push(...agg.closeDue(wall));
      agg.observe(Uint32Array.of(s.ref), Float64Array.of(s.t), Float64Array.of(s.v), 1, { segment: 1, offset: k }, info);
    }
    wall += 60_000;
    points.push(...agg.closeDue(wall));
    expect(agg.counts[0]!.late).toBe(0);
    expect(keyed(points)).toEqual(reference(labels, samples));
  });

  it('intervals close by sample time while input flows, and all of them once it stops', () => {
    const { labels, samples } = workload(5);
    let wall = 5e12;
    const agg = new StreamAggregator([RULE], null, () => wall);
    // Old samples (a backfill): the wall clock is far ahead of them.
    const half = Math.floor(samples.length / 14) * 7;
    feed(agg, labels, samples, 0, half, 1);
    const newest = samples[half - 1]!.t;
    const early = agg.closeDue(wall);
    expect(early.length).toBeGreaterThan(0);
    expect(Math.max(...early.map((p) => p.t))).toBeLessThanOrEqual(newest - RULE.lag);
    feed(agg, labels, samples, half, samples.length, 1);
    expect(agg.counts[0]!.late).toBe(0);
    wall += 5000;
    const rest = agg.closeDue(wall);
    expect(keyed([...early, ...rest])).toEqual(reference(labels, samples));
  });
});

describe('groups that go stale', () => {
  const rule: AggregationRuleConfig = { ...RULE, by: ['route'], without: [], outputs: ['total', 'count_samples'], staleness_interval: 20_000 };
  const info = (labels: LabelPairs[]) => ({ labelsOf: (ref: number) => labels[ref], isDelta: () => false });
  const route = (r: string): LabelPairs => [['__name__', 'req_total'], ['route', r]];
  const totals = (points: OutputPoint[], r: string): number[] => points.filter((p) => p.name.endsWith('_total') && p.labels.some(([k, v]) => k === 'route' && v === r)).map((p) => p.v);

  it('are forgotten with their total once silent for the staleness interval; one that comes back starts again from 0', () => {
    // 200 routes each sending for 20 s, one after another (churn), and route "kept" all along.
    const labels: LabelPairs[] = [route('kept'), ...Array.from({ length: 200 }, (_, i) => route(`r${i}`))];
    const agg = new StreamAggregator([rule], null, () => 0);
    let maxGroups = 0;
    let position = 0;
    const send = (ref: number, t: number, v: number): void => {
      agg.observe(Uint32Array.of(ref), Float64Array.of(t), Float64Array.of(v), 1, { segment: 1, offset: position++ }, info(labels));
    };
    for (let t = 1_000_000, i = 0; t < 1_000_000 + 200 * 20_000; t += 1000, i++) {
      send(0, t, i);
      const churned = 1 + Math.floor((t - 1_000_000) / 20_000);
      send(churned, t, i % 20);
      agg.closeDue(0);
      maxGroups = Math.max(maxGroups, agg.states[0]!.groups.length);
    }
    // The kept route, the current one, and those still within staleness (20 s) plus the interval and lag.
    expect(maxGroups).toBeLessThanOrEqual(6);
    expect(agg.states[0]!.groups.map((g) => g.labels[0]![1])).toContain('kept');
    // Route r0 comes back: its total starts from 0 again, while "kept" carried on.
    const end = 1_000_000 + 200 * 20_000;
    for (let k = 0; k < 10; k++) {
      send(1, end + k * 1000, 100 + k);
      send(0, end + k * 1000, 5000 + k);
    }
    const out = agg.closeDue(1e12);
    // (Its first sample, on an interval's end, closes an interval of its own: no increase yet.)
    expect(totals(out, 'r0')).toEqual([0, 9]);
    expect(totals(out, 'kept').at(-1)).toBeGreaterThan(3999);
  });

  it('a snapshot keeps each group\'s last sample time: a restart forgets no group early', () => {
    const labels: LabelPairs[] = [route('a'), route('b')];
    const agg = new StreamAggregator([rule], null, () => 0);
    let position = 0;
    for (let t = 1_000_000; t < 1_060_000; t += 1000) {
      agg.observe(Uint32Array.of(0, 1), Float64Array.of(t, t), Float64Array.of(t / 1000, t / 1000), 2, { segment: 1, offset: position++ }, info(labels));
    }
    agg.closeDue(0);
    const restored = new StreamAggregator([rule], JSON.parse(JSON.stringify(agg.snapshot({ segment: 1, offset: position }))), () => 0);
    restored.closeDue(0);
    expect(restored.states[0]!.groups).toHaveLength(2);
    // Route a goes on, b stops: b is forgotten 20 s (its staleness) after its last sample, not before.
    for (let t = 1_060_000; t < 1_100_000; t += 1000) {
      restored.observe(Uint32Array.of(0), Float64Array.of(t), Float64Array.of(t / 1000), 1, { segment: 1, offset: position++ }, info(labels));
      restored.closeDue(0);
      if (t < 1_060_000 + 20_000) expect(restored.states[0]!.groups).toHaveLength(2);
    }
    expect(restored.states[0]!.groups).toHaveLength(1);
  });
});
