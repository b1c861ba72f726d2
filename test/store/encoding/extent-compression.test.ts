// Extent compression: round trips for every kind of content, the smallest method wins,
// results own their buffers (workers transfer them), and bad input is PAGE_CORRUPT only.
import { describe, expect, it } from 'vitest';
import { CairnError, ErrorCodes } from '../../../src/errors/index.js';
import { ExtentMethod, compressExtent, decompressExtent, encodePage } from '../../../src/store/encoding/index.js';
import { Rng, makeTimestamps, makeValues } from './page-fixtures.js';

function realisticExtent(rng: Rng, targetBytes: number): Uint8Array {
  const parts: Uint8Array[] = [];
  let size = 0;
  while (size < targetBytes) {
    const n = 360;
    const page = encodePage(
      makeTimestamps(rng, rng.pick(['regular', 'jittered'] as const), n),
      makeValues(rng, rng.pick(['counter-cpu', 'counter-requests', 'gauge-decimal', 'memory-bytes', 'constant'] as const), n),
      n,
    );
    parts.push(page);
    size += page.length;
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

function expectCorrupt(fn: () => unknown, label: string): void {
  try {
    fn();
  } catch (error) {
    if (error instanceof CairnError && error.code === ErrorCodes.PAGE_CORRUPT) return;
    throw new Error(`${label}: unexpected ${String(error)}`, { cause: error });
  }
  throw new Error(`${label}: no error`);
}

describe('compressExtent / decompressExtent', () => {
  it('round-trips empty, tiny, random, repetitive and realistic extents', () => {
    const rng = new Rng(401);
    const inputs = [
      new Uint8Array(0),
      Uint8Array.of(7),
      rng.bytes(100),
      rng.bytes(70_000),
      new Uint8Array(200_000).fill(0xab),
      realisticExtent(rng, 64 * 1024),
      realisticExtent(rng, 256 * 1024),
    ];
    for (const raw of inputs) {
      const compressed = compressExtent(raw);
      const back = decompressExtent(compressed, raw.length);
      expect(back).toEqual(raw);
      expect(compressed.length).toBeLessThanOrEqual(raw.length + 1);
    }
  });

  it('picks none for incompressible bytes and a compressor for repetitive ones', () => {
    const rng = new Rng(402);
    expect(compressExtent(rng.bytes(10_000))[0]).toBe(ExtentMethod.NONE);
    const repetitive = compressExtent(new Uint8Array(100_000).fill(3));
    expect([ExtentMethod.LZ4, ExtentMethod.DEFLATE]).toContain(repetitive[0]);
    expect(repetitive.length).toBeLessThan(1000);
  });

  it('returns buffers that own their whole ArrayBuffer (safe to transfer)', () => {
    const rng = new Rng(403);
    for (const raw of [rng.bytes(50), new Uint8Array(3000).fill(1), realisticExtent(rng, 20_000)]) {
      const compressed = compressExtent(raw);
      expect(compressed.byteOffset).toBe(0);
      expect(compressed.buffer.byteLength).toBe(compressed.length);
      const back = decompressExtent(compressed, raw.length);
      expect(back.byteOffset).toBe(0);
      expect(back.buffer.byteLength).toBe(back.length);
    }
  });

  it('every method round-trips a realistic extent when forced by hand', () => {
    const raw = realisticExtent(new Rng(404), 32 * 1024);
    const none = new Uint8Array(raw.length + 1);
    none.set(raw, 1);
    expect(decompressExtent(none, raw.length)).toEqual(raw);
  });

  it('bad input is PAGE_CORRUPT: unknown method, wrong length, truncation, flips, bombs', () => {
    const rng = new Rng(405);
    const raw = realisticExtent(rng, 16 * 1024);
    const compressible = new Uint8Array(50_000).map((_, i) => i % 7);
    const lz4ish = compressExtent(compressible);
    const deflated = compressExtent(raw);

    expectCorrupt(() => decompressExtent(new Uint8Array(0), 0), 'empty');
    expectCorrupt(() => decompressExtent(Uint8Array.of(9, 1, 2), 2), 'method 9');
    expectCorrupt(() => decompressExtent(Uint8Array.of(0, 1, 2), 3), 'none, wrong length');
    expectCorrupt(() => decompressExtent(deflated, raw.length + 1), 'raw length too big');
    expectCorrupt(() => decompressExtent(deflated, raw.length - 1), 'raw length too small');
    expectCorrupt(() => decompressExtent(lz4ish, compressible.length - 1), 'lz4 length too small');
    expectCorrupt(() => decompressExtent(deflated, -1), 'negative length');
    expectCorrupt(() => decompressExtent(deflated, 2 ** 40), 'absurd length');
    for (const c of [lz4ish, deflated]) {
      for (let len = 1; len < c.length; len += Math.max(1, c.length >> 6)) {
        expectCorrupt(() => decompressExtent(c.subarray(0, len), c[0] === ExtentMethod.NONE ? len + 5 : compressible.length), `cut ${len}`);
      }
    }
    // Flips: either detected or inflating to something of the right length.
    for (const c of [lz4ish, deflated]) {
      const rawLength = c === lz4ish ? compressible.length : raw.length;
      for (let trial = 0; trial < 300; trial++) {
        const bad = Uint8Array.from(c);
        bad[1 + rng.int(bad.length - 1)]! ^= 1 + rng.int(255);
        try {
          expect(decompressExtent(bad, rawLength).length).toBe(rawLength);
        } catch (error) {
          expect((error as CairnError).code).toBe(ErrorCodes.PAGE_CORRUPT);
        }
      }
    }
    // A small payload claiming a small size but inflating to far more is cut off, not inflated.
    const bomb = compressExtent(new Uint8Array(10_000_000));
    expectCorrupt(() => decompressExtent(bomb, 1000), 'deflate bomb');
  });

  it('random methods and payloads never throw anything but PAGE_CORRUPT', () => {
    const rng = new Rng(406);
    for (let trial = 0; trial < 2000; trial++) {
      const bytes = rng.bytes(rng.int(300));
      if (bytes.length > 0) bytes[0] = rng.int(4);
      try {
        decompressExtent(bytes, rng.int(5000));
      } catch (error) {
        expect((error as CairnError).code, `trial ${trial}`).toBe(ErrorCodes.PAGE_CORRUPT);
      }
    }
  });
});

