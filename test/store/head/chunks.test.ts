// The head's compressed chunks (docs/format/head-chunk.md): every time and value comes back
// bit for bit whatever the shapes, regions grow, a full chunk says so, and the common metric
// shapes cost a couple of bytes per sample.
import { describe, expect, it } from 'vitest';
import { decodeChunk } from '../../../src/store/head/chunk-decode.js';
import { HeadChunks } from '../../../src/store/head/chunks.js';
import { mulberry32 } from '../../support/prng.js';
import { bitsOf, STALE_BITS } from '../../support/store-units.js';

const stale = new Float64Array(new BigUint64Array([STALE_BITS]).buffer)[0]!;

/** Appends the samples to one chunk (cutting when full), then decodes every chunk back. */
function roundTrip(times: number[], values: number[]): { times: number[]; values: bigint[]; bytes: number } {
  const c = new HeadChunks();
  c.grow(8);
  const outT: number[] = [];
  const outV: bigint[] = [];
  let bytes = 0;
  const flush = (): void => {
    const closed = c.close(3);
    const ts = new Float64Array(closed.count);
    const vs = new Float64Array(closed.count);
    decodeChunk(c.slab.slab(closed.region), c.slab.offset(closed.region), closed.bits, closed.count, ts, vs);
    outT.push(...ts);
    outV.push(...Array.from(vs, bitsOf));
    bytes += Math.ceil(closed.bits / 8);
    c.slab.free(closed.region);
  };
  c.open(3, times[0]!, values[0]!, 64);
  for (let i = 1; i < times.length; i++) {
    if (!c.append(3, times[i]!, values[i]!)) {
      flush();
      c.open(3, times[i]!, values[i]!, 64);
    }
  }
  flush();
  return { times: outT, values: outV, bytes };
}

const shapes: Record<string, (r: () => number, i: number, prev: number) => number> = {
  constant: () => 42,
  counter: (r, _i, prev) => prev + Math.floor(r() * 1000),
  twoDecimals: (r) => Math.round((50 + 20 * Math.sin(r() * 6)) * 100) / 100,
  memoryBytes: (r, _i, prev) => Math.max(0, prev + 4096 * Math.round((r() - 0.5) * 20000)),
  floats: (r) => r() * 1e3,
  mixed: (r, i) => [0, -0, Infinity, -Infinity, NaN, stale, 1e-300, 123.456789, -7, 2 ** 53, 0.1 + 0.2][Math.floor(r() * 11)]! * (i % 2 ? 1 : 1),
  rescaling: (r, i) => (i < 5 ? 10 : Math.round(r() * 1e6) / 10 ** (1 + (i % 5))),
};
const timeShapes: Record<string, (r: () => number, i: number) => number> = {
  regular: (_r, i) => 1_700_000_000_000 + 10_000 * i,
  jittered: (r, i) => 1_700_000_000_000 + 10_000 * i + Math.floor(r() * 50),
  bursty: (r, i) => 1_700_000_000_000 + i * 7 + (r() < 0.1 ? 1e9 * i : 0),
  wild: (r, i) => 1_000 * i + Math.floor(r() * 2 ** 40) * (i + 1),
};

describe('head chunks', () => {
  for (const [vName, vf] of Object.entries(shapes)) {
    for (const [tName, tf] of Object.entries(timeShapes)) {
      it(`round-trips ${vName} values at ${tName} times`, () => {
        const r = mulberry32(vName.length * 31 + tName.length);
        const n = 1500;
        const times: number[] = [];
        const values: number[] = [];
        let prev = 1e6;
        let lastT = -Infinity;
        for (let i = 0; i < n; i++) {
          const t = Math.max(tf(r, i), lastT + 1);
          times.push((lastT = t));
          values.push((prev = vf(r, i, prev)));
        }
        const back = roundTrip(times, values);
        expect(back.times).toEqual(times);
        expect(back.values).toEqual(values.map(bitsOf));
      });
    }
  }

  it('costs about two bytes per sample on counters and two-decimal gauges at a steady interval', () => {
    const r = mulberry32(5);
    const times = Array.from({ length: 360 }, (_, i) => 1_700_000_000_000 + 10_000 * i);
    let c = 1000;
    const counter = times.map(() => (c += 2 + Math.floor(r() * 1000)));
    const gauge = times.map((_, i) => Math.round((500 + 200 * Math.sin(i / 20) + r() * 3) * 100) / 100);
    expect(roundTrip(times, counter).bytes / 360).toBeLessThan(2.5);
    expect(roundTrip(times, gauge).bytes / 360).toBeLessThan(2.5);
    expect(roundTrip(times, times.map(() => 1)).bytes / 360).toBeLessThan(0.4);
  });

  it('says when a chunk at its largest region is full, and keeps what it holds', () => {
    const c = new HeadChunks();
    c.grow(1);
    c.open(0, 0, Math.PI, 64);
    let n = 1;
    // Raw floats at wild times: the worst case, ~140 bits a sample.
    while (c.append(0, n * 2 ** 40, Math.PI * n)) n++;
    expect(n).toBeGreaterThan(900);
    const closed = c.close(0);
    expect(closed.count).toBe(n);
    const ts = new Float64Array(n);
    const vs = new Float64Array(n);
    decodeChunk(c.slab.slab(closed.region), c.slab.offset(closed.region), closed.bits, n, ts, vs);
    expect(vs[n - 1]).toBe(Math.PI * (n - 1));
  });
});
