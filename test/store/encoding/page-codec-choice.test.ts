// Which codecs a page ends up with, and what regular data costs: the behaviour behind the
// store's bytes-per-sample figure.
import { describe, expect, it } from 'vitest';
import { encodePage, decodePage } from '../../../src/store/encoding/index.js';
import { VALUE_CODECS } from '../../../src/store/encoding/page-encode.js';
import { BitWriter } from '../../../src/store/encoding/bit-writer.js';
import { Rng, STALE_NAN_BITS, makeTimestamps, makeValues, setBits } from './page-fixtures.js';

/** The value codec's name, from the low nibble of the codec byte (docs/format/page.md). */
function valueCodec(page: Uint8Array): string | undefined {
  return VALUE_CODECS.find((c) => c.id === (page[1]! & 0x0f))?.name;
}

const regular = (count: number): Float64Array => Float64Array.from({ length: count }, (_, i) => 1_763_683_200_000 + i * 10_000);

describe('value codec choice', () => {
  it('a constant page picks constant, whatever the value', () => {
    for (const v of [0, 1, 42.5, Math.PI, -1e300, NaN, -0]) {
      const vs = new Float64Array(100).fill(v);
      expect(valueCodec(encodePage(regular(100), vs, 100)), String(v)).toBe('constant');
    }
    const stale = new Float64Array(100);
    for (let i = 0; i < 100; i++) setBits(stale, i, STALE_NAN_BITS);
    expect(valueCodec(encodePage(regular(100), stale, 100))).toBe('constant');
  });

  it('decimals (counters, gauges with 1–2 decimals, byte sizes) pick decimal', () => {
    const rng = new Rng(201);
    for (const shape of ['counter-cpu', 'counter-requests', 'gauge-decimal', 'memory-bytes'] as const) {
      for (let i = 0; i < 10; i++) {
        const vs = makeValues(rng, shape, 360);
        expect(valueCodec(encodePage(regular(360), vs, 360)), shape).toBe('decimal');
      }
    }
  });

  it('a stale marker at the end of a decimal page keeps it decimal', () => {
    const vs = makeValues(new Rng(202), 'gauge-decimal', 360);
    setBits(vs, 359, STALE_NAN_BITS);
    expect(valueCodec(encodePage(regular(360), vs, 360))).toBe('decimal');
  });

  it('random doubles pick Gorilla', () => {
    const rng = new Rng(203);
    for (let i = 0; i < 10; i++) {
      const vs = Float64Array.from({ length: 360 }, () => rng.next() * 1000);
      expect(valueCodec(encodePage(regular(360), vs, 360))).toBe('gorilla');
    }
  });

  it('the chosen codec is never larger than any other that applies', () => {
    const rng = new Rng(204);
    const shapes = ['counter-cpu', 'gauge-decimal', 'memory-bytes', 'constant', 'random-doubles', 'decimal-with-specials', 'specials'] as const;
    for (let round = 0; round < 100; round++) {
      const n = 1 + rng.int(500);
      const vs = makeValues(rng, rng.pick(shapes), n);
      const sizes = new Map<string, number>();
      for (const codec of VALUE_CODECS) {
        const writer = new BitWriter();
        if (codec.encode(writer, vs, n, Infinity)) sizes.set(codec.name, writer.finish().length);
      }
      const page = encodePage(regular(n), vs, n);
      const chosen = valueCodec(page)!;
      expect(sizes.get(chosen), `round ${round}: ${JSON.stringify([...sizes])}`).toBe(Math.min(...sizes.values()));
    }
  });
});

describe('timestamp and value costs', () => {
  it('a page whose deltas are all equal costs O(1) bytes', () => {
    const sizes = [2, 100, 1000, 65_536].map((n) => encodePage(regular(n), new Float64Array(n).fill(1), n).length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(3); // only the count's width grows
    expect(Math.max(...sizes)).toBeLessThanOrEqual(20);
  });

  it('equal timestamps and all-equal pages are O(1) too', () => {
    const n = 10_000;
    const same = new Float64Array(n).fill(1_763_683_200_000);
    expect(encodePage(same, new Float64Array(n), n).length).toBeLessThanOrEqual(20);
  });

  it('occasional jitter of a few ms costs a few bits per jittered point, not per point', () => {
    const rng = new Rng(205);
    const n = 3600;
    const ts = makeTimestamps(rng, 'jittered', n); // 5 % of points 1–5 ms late
    const bytes = encodePage(ts, new Float64Array(n), n).length;
    expect(bytes / n).toBeLessThan(0.12);
  });

  it('counters and 1–2 decimal gauges on 10 s spacing stay near a byte per sample or less', () => {
    const rng = new Rng(206);
    const n = 360;
    const ts = makeTimestamps(rng, 'jittered', n);
    let total = 0;
    for (let i = 0; i < 50; i++) total += encodePage(ts, makeValues(rng, 'counter-requests', n), n).length;
    for (let i = 0; i < 50; i++) total += encodePage(ts, makeValues(rng, 'gauge-decimal', n), n).length;
    expect(total / (100 * n)).toBeLessThan(1.2);
  });

  it('round-trips what it measured', () => {
    const rng = new Rng(207);
    const ts = makeTimestamps(rng, 'jittered', 360);
    const vs = makeValues(rng, 'memory-bytes', 360);
    expect(decodePage(encodePage(ts, vs, 360)).values).toEqual(vs);
  });
});
