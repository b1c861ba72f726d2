import { describe, expect, it } from 'vitest';
import type { HistogramSample } from '../../src/telemetry/index.js';
import { Registry } from '../../src/telemetry/index.js';

describe('Registry counters and gauges', () => {
  it('collects counters by labels and gauges read at collection, as plain value samples', () => {
    const r = new Registry();
    const c = r.counter('x_total', 'help x');
    c.add(2, { a: '1', b: '2' });
    c.add(3, { b: '2', a: '1' }); // same labels in another order: same series
    c.add(1);
    let level = 7;
    r.gauge('g', 'help g', () => level);
    level = 8;
    expect(r.collect()).toEqual([
      { name: 'x_total', help: 'help x', type: 'counter', labels: { a: '1', b: '2' }, value: 5 },
      { name: 'x_total', help: 'help x', type: 'counter', labels: {}, value: 1 },
      { name: 'g', help: 'help g', type: 'gauge', labels: {}, value: 8 },
    ]);
    expect(r.value('x_total')).toBe(6);
    expect(r.value('x_total', { a: '1', b: '2' })).toBe(5);
    expect(r.value('g')).toBe(8);
    expect(r.value('absent')).toBe(0);
  });

  it('keeps label values with separators apart', () => {
    const r = new Registry();
    const c = r.counter('y_total', 'h');
    c.add(1, { a: '1,b=2' });
    c.add(1, { a: '1', b: '2' });
    expect(r.collect()).toHaveLength(2);
  });

  it('returns the same counter for the same name, and refuses a name taken by another type or an invalid name', () => {
    const r = new Registry();
    r.counter('z_total', 'h').add(1);
    r.counter('z_total', 'h').add(1);
    expect(r.value('z_total')).toBe(2);
    expect(() => r.histogram('z_total', 'h', [1])).toThrow(/another type/);
    expect(() => r.counter('bad-name', 'h')).toThrow(/invalid metric name/);
  });
});

describe('Registry histograms', () => {
  const bounds = [0.1, 1, 10];

  it('counts observations per bucket (not cumulative), bounds inclusive, the last bucket above every bound', () => {
    const r = new Registry();
    const h = r.histogram('lat_seconds', 'latency', bounds);
    for (const v of [0.05, 0.1, 0.5, 1, 10, 11, 1000]) h.observe(v, { op: 'read' });
    h.observe(2, { op: 'write' });
    const samples = r.collect() as HistogramSample[];
    expect(samples).toEqual([
      { name: 'lat_seconds', help: 'latency', type: 'histogram', labels: { op: 'read' }, value: 7, sum: 0.05 + 0.1 + 0.5 + 1 + 10 + 11 + 1000, bounds, counts: [2, 2, 1, 2] },
      { name: 'lat_seconds', help: 'latency', type: 'histogram', labels: { op: 'write' }, value: 1, sum: 2, bounds, counts: [0, 0, 1, 0] },
    ]);
    for (const s of samples) expect(s.counts).toHaveLength(s.bounds.length + 1);
    expect(r.value('lat_seconds')).toBe(8);
    expect(r.value('lat_seconds', { op: 'write' })).toBe(1);
  });

  it('hands out counts that later observations do not change', () => {
    const r = new Registry();
    const h = r.histogram('h_seconds', 'h', bounds);
    h.observe(0.5);
    const before = r.collect()[0] as HistogramSample;
    h.observe(0.5);
    expect(before.counts).toEqual([0, 1, 0, 0]);
    expect((r.collect()[0] as HistogramSample).counts).toEqual([0, 2, 0, 0]);
  });

  it('rejects bounds that are not finite and strictly increasing, and a second registration with other bounds', () => {
    const r = new Registry();
    expect(() => r.histogram('a_seconds', 'h', [1, 1])).toThrow(RangeError);
    expect(() => r.histogram('b_seconds', 'h', [2, 1])).toThrow(RangeError);
    expect(() => r.histogram('c_seconds', 'h', [1, Infinity])).toThrow(RangeError);
    r.histogram('d_seconds', 'h', [1, 2]);
    expect(() => r.histogram('d_seconds', 'h', [1, 2])).not.toThrow();
    expect(() => r.histogram('d_seconds', 'h', [1, 3])).toThrow(/other bounds/);
  });

  it('has no samples until something is observed', () => {
    const r = new Registry();
    r.histogram('e_seconds', 'h', bounds);
    expect(r.collect()).toEqual([]);
  });
});
