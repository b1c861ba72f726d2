// Corrupt pages: truncation, flipped bytes, random bytes and hand-made bad headers only ever
// raise CairnError PAGE_CORRUPT (or, for a flip no check can see, decode to something),
// never another exception and never a hang.
import { describe, expect, it } from 'vitest';
import { CairnError, ErrorCodes } from '../../../src/errors/index.js';
import { decodePage, encodePage } from '../../../src/store/encoding/index.js';
import { Rng, TIMESTAMP_SHAPES, VALUE_SHAPES, makeTimestamps, makeValues } from './page-fixtures.js';

/** 'ok' or 'corrupt'; anything else fails the test with the offending input's description. */
function outcome(bytes: Uint8Array, label: string): 'ok' | 'corrupt' {
  const started = performance.now();
  try {
    const page = decodePage(bytes);
    expect(page.timestamps.length).toBe(page.count);
    return 'ok';
  } catch (error) {
    if (!(error instanceof CairnError) || error.code !== ErrorCodes.PAGE_CORRUPT) {
      throw new Error(`${label}: unexpected ${String(error)}`, { cause: error });
    }
    return 'corrupt';
  } finally {
    // A 65,536-point page decodes in a few ms; anything near this bound means a runaway loop.
    expect(performance.now() - started, `${label}: decode time`).toBeLessThan(1000);
  }
}

function samplePages(seed: number, perShape: number): Uint8Array[] {
  const rng = new Rng(seed);
  const pages: Uint8Array[] = [];
  for (const vShape of VALUE_SHAPES) {
    for (let i = 0; i < perShape; i++) {
      const n = 1 + rng.int(rng.next() < 0.2 ? 5 : 400);
      pages.push(encodePage(makeTimestamps(rng, rng.pick(TIMESTAMP_SHAPES), n), makeValues(rng, vShape, n), n));
    }
  }
  return pages;
}

describe('decodePage on corrupt input', () => {
  it('every truncation of every sample page is PAGE_CORRUPT', () => {
    for (const [p, page] of samplePages(301, 3).entries()) {
      for (let len = 0; len < page.length; len++) {
        expect(outcome(page.subarray(0, len), `page ${p} cut to ${len}`)).toBe('corrupt');
      }
    }
  });

  it('trailing bytes are PAGE_CORRUPT', () => {
    for (const page of samplePages(302, 1)) {
      const longer = new Uint8Array(page.length + 1);
      longer.set(page);
      expect(outcome(longer, 'one trailing byte')).toBe('corrupt');
    }
  });

  it('random byte flips decode to something or are PAGE_CORRUPT', () => {
    const rng = new Rng(303);
    const counts = { ok: 0, corrupt: 0 };
    for (const [p, page] of samplePages(304, 4).entries()) {
      for (let trial = 0; trial < 60; trial++) {
        const bad = Uint8Array.from(page);
        const flips = 1 + rng.int(3);
        for (let f = 0; f < flips; f++) bad[rng.int(bad.length)]! ^= 1 + rng.int(255);
        counts[outcome(bad, `page ${p} trial ${trial}`)]++;
      }
    }
    // Pages carry no checksum (the datafile's payload CRC covers them), so many flips inside
    // bit-packed residuals are undetectable here by design; many others still are.
    expect(counts.corrupt).toBeGreaterThan(counts.ok / 4);
  });

  it('random single-bit flips in every position of a page', () => {
    const rng = new Rng(305);
    const n = 200;
    const page = encodePage(makeTimestamps(rng, 'jittered', n), makeValues(rng, 'decimal-with-specials', n), n);
    for (let bit = 0; bit < page.length * 8; bit++) {
      const bad = Uint8Array.from(page);
      bad[bit >>> 3]! ^= 0x80 >>> (bit & 7);
      outcome(bad, `bit ${bit}`);
    }
  });

  it('random bytes, bare and behind a valid-looking header', () => {
    const rng = new Rng(306);
    for (let trial = 0; trial < 3000; trial++) {
      const bytes = rng.bytes(rng.int(trial < 1500 ? 40 : 3000));
      if (trial % 2 === 0 && bytes.length >= 4) {
        bytes[0] = 1;
        bytes[1] = 0x10 | (1 + rng.int(3));
        if (rng.next() < 0.5) bytes[3] = rng.int(2); // small counts reach the codecs more often
      }
      outcome(bytes, `random trial ${trial}`);
    }
  });

  it('names what is wrong with a header', () => {
    // Irregular points: a regular page is O(1), so a bigger count would be a valid page.
    const page = encodePage(Float64Array.of(1000, 2500, 2600), Float64Array.of(1, 2.5, -3), 3);
    const cases: Array<[string, (b: Uint8Array) => void]> = [
      ['version 0', (b) => (b[0] = 0)],
      ['version 2', (b) => (b[0] = 2)],
      ['timestamp codec 0', (b) => (b[1] = (b[1]! & 0x0f) | 0x00)],
      ['timestamp codec 2', (b) => (b[1] = (b[1]! & 0x0f) | 0x20)],
      ['value codec 0', (b) => (b[1] = 0x10)],
      ['value codec 4', (b) => (b[1] = 0x14)],
      ['value codec 15', (b) => (b[1] = 0x1f)],
      ['count 65536 with a 3-point body', (b) => ((b[2] = 0xff), (b[3] = 0xff))],
    ];
    for (const [label, damage] of cases) {
      const bad = Uint8Array.from(page);
      damage(bad);
      expect(outcome(bad, label), label).toBe('corrupt');
    }
  });
});

describe('encodePage argument contract', () => {
  const ts = Float64Array.of(1000, 2000, 3000);
  const vs = Float64Array.of(1, 2, 3);
  it.each([
    ['count 0', ts, vs, 0],
    ['count past the arrays', ts, vs, 4],
    ['count above 65,536', new Float64Array(65_537), new Float64Array(65_537), 65_537],
    ['fractional count', ts, vs, 1.5],
    ['decreasing timestamps', Float64Array.of(2000, 1000, 3000), vs, 3],
    ['fractional timestamp', Float64Array.of(1000.5, 2000, 3000), vs, 3],
    ['negative timestamp', Float64Array.of(-1, 2000, 3000), vs, 3],
    ['timestamp at 2^51', Float64Array.of(1000, 2000, 2 ** 51), vs, 3],
    ['NaN timestamp', Float64Array.of(1000, NaN, 3000), vs, 3],
  ])('throws RangeError for %s', (_label, t, v, count) => {
    expect(() => encodePage(t, v, count)).toThrow(RangeError);
  });
});
