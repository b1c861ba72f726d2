// The integer-sequence codec under pages: each predictor and packer is reachable and chosen
// where it should be, and values at the edges of the exact range round-trip or are refused.
import { describe, expect, it } from 'vitest';
import { BitReader } from '../../../src/store/encoding/bit-reader.js';
import { BitWriter } from '../../../src/store/encoding/bit-writer.js';
import { decodeIntSequence, encodeIntSequence } from '../../../src/store/encoding/int-sequence.js';
import { Rng } from './page-fixtures.js';

const MODES = ['grid', 'delta', 'dod'] as const;
const PACKERS = ['sparse', 'rice', 'block'] as const;

interface Header {
  mode: (typeof MODES)[number];
  centre: number;
  divisor: number;
  packer: (typeof PACKERS)[number];
}

/** Encodes, decodes, checks the round trip, and parses the header per docs/format/page.md. */
function roundTrip(xs: number[]): { header: Header | undefined; bytes: number } {
  const writer = new BitWriter();
  expect(encodeIntSequence(writer, Float64Array.from(xs), xs.length)).toBe(true);
  const bytes = writer.finish();
  const out = new Float64Array(xs.length);
  const reader = new BitReader(bytes);
  decodeIntSequence(reader, out, xs.length);
  expect(reader.alignToByte()).toBe(bytes.length);
  expect(Array.from(out)).toEqual(xs);
  if (xs.length === 1) return { header: undefined, bytes: bytes.length };
  const r = new BitReader(bytes);
  r.readLengthPrefixed();
  const mode = MODES[r.readBits(2)]!;
  if (mode === 'dod') r.readLengthPrefixed();
  const zz = r.readLengthPrefixed();
  const centre = zz % 2 === 0 ? zz / 2 : -(zz + 1) / 2;
  const divisor = r.readLengthPrefixed() + 1;
  r.readBits(2); // sign mode
  const packer = PACKERS[r.readBits(2)]!;
  return { header: { mode, centre, divisor, packer }, bytes: bytes.length };
}

const range = (n: number, f: (i: number) => number): number[] => Array.from({ length: n }, (_, i) => f(i));

describe('integer sequence', () => {
  it('on-grid points with occasional lateness: grid residuals, sparse', () => {
    const rng = new Rng(501);
    const { header } = roundTrip(range(1000, (i) => 1_763_683_200_000 + i * 10_000 + (rng.next() < 0.03 ? 1 + rng.int(5) : 0)));
    expect(header).toMatchObject({ mode: 'grid', centre: 10_000, packer: 'sparse' });
  });

  it('a drifting clock (every step a little long): deltas around the step', () => {
    const rng = new Rng(502);
    let t = 1_763_683_200_000;
    const { header } = roundTrip(range(1000, () => (t += 10_000 + (rng.next() < 0.3 ? 1 + rng.int(3) : 0))));
    expect(header?.mode).toBe('delta');
    expect(header?.centre).toBe(10_000);
  });

  it('a steadily accelerating sequence: second differences, all zero', () => {
    const { header, bytes } = roundTrip(range(1000, (i) => 5 + 3 * i + i * i));
    expect(header).toMatchObject({ mode: 'dod', centre: 2, packer: 'sparse' });
    expect(bytes).toBeLessThan(16);
  });

  it('noise around a level: Rice', () => {
    const rng = new Rng(503);
    const { header } = roundTrip(range(1000, () => 5000 + Math.round(rng.gauss() * 30)));
    expect(header?.packer).toBe('rice');
  });

  it('uniformly spread increments: fixed-width blocks', () => {
    const rng = new Rng(504);
    let x = 0;
    const { header } = roundTrip(range(1000, () => (x += rng.int(1024))));
    expect(header).toMatchObject({ mode: 'delta', packer: 'block' });
  });

  it('byte sizes that move in pages: the common divisor comes out', () => {
    const rng = new Rng(505);
    let pages = 300_000;
    const { header } = roundTrip(range(500, () => (pages += Math.round(rng.gauss() * 50)) * 4096));
    expect(header?.divisor).toBe(4096);
  });

  it('outliers take the Rice escape and come back intact', () => {
    const rng = new Rng(506);
    roundTrip(range(300, (i) => (i % 50 === 7 ? 2 ** 50 : 0) + rng.int(4)));
    roundTrip(range(300, (i) => (i === 150 ? -(2 ** 51) : rng.int(100))));
  });

  it('values at the edge of the range', () => {
    const edge = 2 ** 52 - 1;
    roundTrip([edge]);
    roundTrip([-edge]);
    roundTrip([edge, edge, edge]);
    roundTrip([0, 2 ** 51, 2 ** 52 - 1]);
    roundTrip(range(100, (i) => edge - i));
    roundTrip(range(100, (i) => -edge + i * 1000));
  });

  it('refuses what it cannot keep exact', () => {
    const writer = new BitWriter();
    expect(encodeIntSequence(writer, Float64Array.of(2 ** 52), 1)).toBe(false);
    expect(encodeIntSequence(writer, Float64Array.of(0, NaN), 2)).toBe(false);
    // Swings of 2^53 leave no predictor within the residual bound.
    const swing = 2 ** 52 - 1;
    expect(encodeIntSequence(writer, Float64Array.from(range(10, (i) => (i % 2 === 0 ? swing : -swing))), 10)).toBe(false);
  });

  it('random sequences of every scale round-trip', () => {
    const rng = new Rng(507);
    for (let round = 0; round < 400; round++) {
      const n = 1 + rng.int(400);
      const scale = 2 ** rng.int(40); // 400 steps of up to 2^40 stay inside the range
      const base = Math.floor((rng.next() - 0.5) * 2 ** 50);
      const kind = rng.int(4);
      let x = base;
      roundTrip(
        range(n, (i) => {
          if (kind === 0) return base + Math.floor(rng.next() * scale);
          if (kind === 1) return (x += Math.floor(rng.next() * scale));
          if (kind === 2) return base + i * 7 + (rng.next() < 0.1 ? rng.int(1000) : 0);
          return rng.next() < 0.5 ? base : base - scale;
        }),
      );
    }
  });
});
