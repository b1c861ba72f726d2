// Rollup pages round-trip counters' and gauges' rows (with sketches too), and corrupt pages —
// flipped bytes, truncation, unknown flags — only ever raise CairnError PAGE_CORRUPT or decode
// to something.
import { describe, expect, it } from 'vitest';
import { CairnError, ErrorCodes } from '../../../src/errors/index.js';
import { decodeRollupPage, encodeRollupPage, RollupRows } from '../../../src/store/encoding/index.js';
import { rollupSamples, SketchBuilder } from '../../../src/store/rollup/index.js';
import { mulberry32 } from '../../support/prng.js';

const RES = 60_000;
const COLUMNS = ['end', 'count', 'firstT', 'lastT', 'first', 'last', 'min', 'max', 'sum', 'resets'] as const;

function rowsOf(kind: 'counter' | 'gauge', seed: number, sketch = false): RollupRows {
  const r = mulberry32(seed);
  const n = 1440;
  const ts = Float64Array.from({ length: n }, (_, i) => 1_700_000_000_000 + (i + 1) * 10_000 + Math.floor(r() * 50));
  let v = 1000;
  const vs = Float64Array.from({ length: n }, () => (v = kind === 'counter' ? v + Math.floor(r() * 20) : Math.round((v + r() - 0.5) * 10) / 10));
  const rows = new RollupRows();
  rollupSamples(ts, vs, n, RES, rows, sketch ? new SketchBuilder(0.01) : null);
  return rows;
}

function expectSameRows(got: RollupRows, want: RollupRows): void {
  expect(got.length).toBe(want.length);
  for (const c of COLUMNS) expect(Array.from(got[c].subarray(0, got.length)), c).toEqual(Array.from(want[c].subarray(0, want.length)));
}

describe('rollup page round trip', () => {
  for (const [kind, sketch] of [['counter', false], ['gauge', false], ['gauge', true]] as const) {
    it(`${kind} rows${sketch ? ' with sketches' : ''} read back the same`, () => {
      const rows = rowsOf(kind, kind.length + (sketch ? 1 : 0), sketch);
      const page = encodeRollupPage(rows, RES);
      expect(page[1]).toBe(sketch ? 1 : 0);
      expectSameRows(decodeRollupPage(page).rows, rows);
    });
  }
});

function outcome(bytes: Uint8Array, label: string): 'ok' | 'corrupt' {
  try {
    decodeRollupPage(bytes);
    return 'ok';
  } catch (error) {
    if (!(error instanceof CairnError) || error.code !== ErrorCodes.PAGE_CORRUPT) throw new Error(`${label}: unexpected ${String(error)}`, { cause: error });
    return 'corrupt';
  }
}

describe('corrupt rollup pages', () => {
  const pages = [encodeRollupPage(rowsOf('counter', 3), RES), encodeRollupPage(rowsOf('gauge', 4), RES), encodeRollupPage(rowsOf('gauge', 5, true), RES)];

  it('an unknown flag or a codec of 0 for a column is corrupt', () => {
    const unknown = pages[0]!.slice();
    unknown[1]! |= 2;
    expect(outcome(unknown, 'unknown flag')).toBe('corrupt');
    const codec = pages[1]!.slice();
    codec[4]! &= ~0b110000; // the min column's codec bits
    expect(outcome(codec, 'min codec 0')).toBe('corrupt');
  });

  it('flipped bytes and truncations raise PAGE_CORRUPT or decode, nothing else', () => {
    const r = mulberry32(9);
    let corrupt = 0;
    for (const [p, page] of pages.entries()) {
      for (let k = 0; k < 300; k++) {
        const bad = page.slice();
        const at = Math.floor(r() * bad.length);
        bad[at]! ^= 1 << Math.floor(r() * 8);
        if (outcome(bad, `page ${p} flip at ${at}`) === 'corrupt') corrupt++;
      }
      for (let cut = 0; cut < page.length; cut += Math.max(1, Math.floor(page.length / 40))) if (outcome(page.subarray(0, cut), `page ${p} cut at ${cut}`) === 'corrupt') corrupt++;
    }
    expect(corrupt).toBeGreaterThan(100);
  });
});
