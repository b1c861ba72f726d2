import type { PageEncoder, RollupRunner } from '../store/index.js';
import { encodePagesHere } from '../store/index.js';
import type { WorkerPool } from '../workers/index.js';
import { compressExtent, decompressExtent } from '../store/encoding/index.js';

/**
 * Work small enough to do on the main thread: waking (or starting: ~12 MiB of RSS) a worker for
 * the agent's own few hundred series would cost more than the work. A 64 KiB extent compresses in
 * ~0.1 ms; 20,000 samples page-encode in ~4 ms.
 */
const SMALL_EXTENT_BYTES = 64 * 1024;
const SMALL_PAGES_SAMPLES = 20_000;

/** Extent compression for the store, in the worker pool (raw bytes transferred there and back) unless small. */
export function createStoreCompressor(pool: WorkerPool): (raw: Uint8Array) => Promise<Uint8Array> {
  return async (raw) => {
    if (raw.length <= SMALL_EXTENT_BYTES) return compressExtent(raw);
    // Always a copy: the ring still reads `raw` after compressing, and a transferred buffer
    // is detached (it would read as empty).
    const owned = raw.slice();
    const reply = await pool.run('compress', { raw: owned.buffer as ArrayBuffer }, [owned.buffer as ArrayBuffer]);
    if (reply.status !== 'ok') throw new Error(reply.message);
    return reply.bytes;
  };
}

/** Reads decompress on the main thread: an extent is small and needed at once. */
export function decompressExtentBytes(bytes: Uint8Array, rawLength: number): Uint8Array {
  return decompressExtent(bytes, rawLength);
}

/** Page encoding for the store, in the worker pool unless small: the head's compressed chunks are copied over (the head keeps serving them until written). */
export function createPageEncoder(pool: WorkerPool): PageEncoder {
  return async (pages) => {
    if (pages.reduce((n, p) => n + p.count, 0) <= SMALL_PAGES_SAMPLES) return encodePagesHere(pages);
    const total = pages.reduce((n, p) => n + p.chunk.length, 0);
    const chunks = new Uint8Array(total);
    const offsets = new Uint32Array(pages.length);
    const bits = new Uint32Array(pages.length);
    const counts = new Uint32Array(pages.length);
    let at = 0;
    pages.forEach((p, i) => {
      const chunk = p.chunk;
      chunks.set(chunk, at);
      offsets[i] = at;
      bits[i] = p.bits;
      counts[i] = p.count;
      at += chunk.length;
    });
    const reply = await pool.run('encode-pages', { chunks, offsets, bits, counts }, [chunks.buffer, offsets.buffer, bits.buffer, counts.buffer]);
    if (reply.status !== 'ok') throw new Error(reply.message);
    return unpack(reply.bytes, reply.lengths);
  };
}

/** Rollup jobs (a tier's pending pages, catch-up) in the worker pool. */
export function createRollupRunner(pool: WorkerPool): RollupRunner {
  return async (job) => {
    const flat = job.groups.flat();
    const pages = new Uint8Array(flat.reduce((n, p) => n + p.length, 0));
    const lengths = new Uint32Array(flat.length);
    let at = 0;
    flat.forEach((p, i) => {
      pages.set(p, at);
      at += p.length;
      lengths[i] = p.length;
    });
    const groups = Uint32Array.from(job.groups, (g) => g.length);
    const sketch = Uint8Array.from(job.sketch, (s) => (s ? 1 : 0));
    const request = { source: job.source, pages, lengths, groups, sketch, resolutionMs: job.resolutionMs, nextResolutionMs: job.nextResolutionMs, sketchDelta: job.sketchDelta };
    const reply = await pool.run('rollup', request, [pages.buffer, lengths.buffer, groups.buffer, sketch.buffer]);
    if (reply.status !== 'ok') throw new Error(reply.message);
    return unpack(reply.bytes, reply.lengths);
  };
}

function unpack(bytes: Uint8Array, lengths: Uint32Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let offset = 0;
  for (const len of lengths) {
    out.push(bytes.subarray(offset, offset + len));
    offset += len;
  }
  return out;
}
