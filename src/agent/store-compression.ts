import type { WorkerPool } from '../workers/index.js';
import { decompressExtent } from '../store/encoding/index.js';

/** Extent compression for the store, run in the worker pool (raw bytes transferred there and back). */
export function createStoreCompressor(pool: WorkerPool): (raw: Uint8Array) => Promise<Uint8Array> {
  return async (raw) => {
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

/** Page encoding for the store, in the worker pool: samples are copied out (the head keeps serving them). */
export function createPageEncoder(pool: WorkerPool): (pages: readonly { timestamps: Float64Array; values: Float64Array; count: number }[]) => Promise<Uint8Array[]> {
  return async (pages) => {
    const total = pages.reduce((n, p) => n + p.count, 0);
    const timestamps = new Float64Array(total);
    const values = new Float64Array(total);
    const counts = new Uint32Array(pages.length);
    let at = 0;
    pages.forEach((p, i) => {
      timestamps.set(p.timestamps.subarray(0, p.count), at);
      values.set(p.values.subarray(0, p.count), at);
      counts[i] = p.count;
      at += p.count;
    });
    const reply = await pool.run('encode-pages', { timestamps, values, counts }, [timestamps.buffer, values.buffer, counts.buffer]);
    if (reply.status !== 'ok') throw new Error(reply.message);
    const out: Uint8Array[] = [];
    let offset = 0;
    for (const len of reply.lengths) {
      out.push(reply.bytes.subarray(offset, offset + len));
      offset += len;
    }
    return out;
  };
}
