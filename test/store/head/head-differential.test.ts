// appendColumns (inline fast path) against repeated append, and both against a plain model,
// on seeded random streams with out-of-order samples, repeats, duplicates and age cuts.
import { describe, expect, it } from 'vitest';
import type { CutPage, HeadOptions } from '../../../src/store/head/index.js';
import { Head } from '../../../src/store/head/index.js';
import { rng } from '../../support/store-units.js';

interface Chunk {
  refs: Uint32Array;
  times: Float64Array;
  values: Float64Array;
  length: number;
  segment: number;
  now: number;
}

const REFS = 12;

/** Chunks of samples: mostly increasing per ref, with older times, exact repeats and clashes. */
function stream(seed: number, chunks: number, spread: number): Chunk[] {
  const r = rng(seed);
  const lastT = new Array<number>(REFS).fill(0);
  const lastV = new Array<number>(REFS).fill(0);
  const out: Chunk[] = [];
  let now = 0;
  for (let c = 0; c < chunks; c++) {
    const length = Math.floor(r() * 300);
    // Extra room past `length`, as reused sample columns have.
    const chunk: Chunk = { refs: new Uint32Array(length + 7), times: new Float64Array(length + 7), values: new Float64Array(length + 7), length, segment: 1 + Math.floor(c / 3), now };
    for (let i = 0; i < length; i++) {
      const ref = Math.floor(r() * r() * REFS);
      const roll = r();
      let t: number;
      let v = Math.round(r() * 1000) / 8;
      if (roll < 0.06) t = lastT[ref]! - 1 - Math.floor(r() * 50);
      else if (roll < 0.1) [t, v] = [lastT[ref]!, lastV[ref]!];
      else if (roll < 0.13) t = lastT[ref]!;
      else t = lastT[ref]! + 1 + Math.floor(r() * (r() < 0.02 ? 3000 : 40));
      if (t > lastT[ref]!) [lastT[ref], lastV[ref]] = [t, v];
      chunk.refs[i] = ref * spread;
      chunk.times[i] = t;
      chunk.values[i] = r() < 0.01 ? NaN : v;
    }
    out.push(chunk);
    now += Math.floor(r() * 400);
  }
  return out;
}

/** What any head must do with a stream: the accepted samples per ref, and the refusal counts. */
function model(chunks: readonly Chunk[]) {
  const lastT = new Map<number, number>();
  const lastV = new Map<number, number>();
  const kept = new Map<number, [number[], number[]]>();
  let outOfOrder = 0;
  let duplicate = 0;
  for (const c of chunks) {
    for (let i = 0; i < c.length; i++) {
      const [ref, t, v] = [c.refs[i]!, c.times[i]!, c.values[i]!];
      const last = lastT.get(ref) ?? -Infinity;
      if (t < last) outOfOrder++;
      else if (t === last) {
        const same = Object.is(lastV.get(ref), v) || (Number.isNaN(v) && Number.isNaN(lastV.get(ref)!));
        if (!same) duplicate++;
      } else {
        lastT.set(ref, t);
        lastV.set(ref, v);
        if (!kept.has(ref)) kept.set(ref, [[], []]);
        kept.get(ref)![0].push(t);
        kept.get(ref)![1].push(v);
      }
    }
  }
  return { kept, outOfOrder, duplicate };
}

function run(chunks: readonly Chunk[], options: HeadOptions, columns: boolean, refIds: readonly number[]) {
  const h = new Head(options);
  let outOfOrder = 0;
  let duplicate = 0;
  const pages: ReturnType<typeof shapeOf>[] = [];
  chunks.forEach((c, k) => {
    if (columns) {
      const r = h.appendColumns(c.refs, c.times, c.values, c.length, c.segment, c.now);
      outOfOrder += r.outOfOrder;
      duplicate += r.duplicate;
    } else {
      for (let i = 0; i < c.length; i++) {
        const r = h.append(c.refs[i]!, c.times[i]!, c.values[i]!, c.segment, c.now);
        if (r === 'out_of_order') outOfOrder++;
        else if (r === 'duplicate') duplicate++;
      }
    }
    if (k % 4 === 3) h.cutOld(c.now);
    if (k % 5 === 4) {
      const cut = h.takeCut();
      // Read before release: a released page's samples are gone with its chunk region.
      pages.push(...cut.map(shapeOf));
      h.release(cut);
    }
  });
  const rest = h.takeCut();
  pages.push(...rest.map(shapeOf));
  h.release(rest);
  const state = { samples: h.samples, oldest: h.oldestSegment(), reads: refIds.map((ref) => h.read(ref, -Infinity, Infinity)) };
  const shape = pages;
  return { outOfOrder, duplicate, pages: shape, state };
}

function shapeOf(p: CutPage): { ref: number; count: number; segment: number; timestamps: number[]; values: number[] } {
  return { ref: p.ref, count: p.count, segment: p.segment, timestamps: [...p.timestamps], values: [...p.values] };
}

describe('Head.appendColumns', () => {
  // Spread refs (up to 11 × 997) make both paths grow their per-ref arrays mid-stream.
  it.each([
    [1, 100, 1_000, 1],
    [2, 64, 500, 1],
    [3, 7, 200, 997],
    [4, 1024, 5_000, 1],
    [5, 65, 10_000, 997],
    [6, 1, 1_000, 1],
  ])('seed %i (pagePoints %i, pageMaxAge %i, ref spread %i): same results as append, and as the model', (seed, pagePoints, pageMaxAgeMs, spread) => {
    const chunks = stream(seed, 60, spread);
    const refIds = Array.from({ length: REFS }, (_, i) => i * spread);
    const options = { pagePoints, pageMaxAgeMs, flushedMaxT: () => -Infinity };
    const byColumns = run(chunks, options, true, refIds);
    const bySample = run(chunks, options, false, refIds);
    expect(byColumns).toEqual(bySample);

    const expected = model(chunks);
    expect({ outOfOrder: byColumns.outOfOrder, duplicate: byColumns.duplicate }).toEqual({ outOfOrder: expected.outOfOrder, duplicate: expected.duplicate });
    refIds.forEach((ref, k) => {
      const written = byColumns.pages.filter((p) => p.ref === ref);
      const [times, values] = expected.kept.get(ref) ?? [[], []];
      expect([...written.flatMap((p) => p.timestamps), ...byColumns.state.reads[k]!.timestamps], `ref ${ref} times`).toEqual(times);
      expect([...written.flatMap((p) => p.values), ...byColumns.state.reads[k]!.values], `ref ${ref} values`).toEqual(values);
      for (const p of written) {
        expect(p.count).toBeLessThanOrEqual(pagePoints);
        expect(p.timestamps.at(-1)! - p.timestamps[0]!).toBeLessThan(pageMaxAgeMs);
      }
    });
    expect(byColumns.state.samples).toBe(byColumns.state.reads.reduce((n, r) => n + r.timestamps.length, 0));
    expect(expected.outOfOrder).toBeGreaterThan(0);
    expect(expected.duplicate).toBeGreaterThan(0);
  });
});
