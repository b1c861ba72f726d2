import type { CompressReply, CompressRequest, WorkerPool } from '../workers/index.js';
import { decompressExtent } from '../store/encoding/index.js';

/** Extent compression for the store, run in the worker pool (raw bytes transferred there and back). */
export function createStoreCompressor(pool: WorkerPool): (raw: Uint8Array) => Promise<Uint8Array> {
  return async (raw) => {
    // Always a copy: the ring still reads `raw` after compressing, and a transferred buffer
    // is detached (it would read as empty).
    const owned = raw.slice();
    const reply = await pool.run<CompressRequest, CompressReply>({ op: 'compress', raw: owned.buffer as ArrayBuffer }, [owned.buffer as ArrayBuffer]);
    if (reply.status !== 'ok') throw new Error(reply.message);
    return reply.bytes;
  };
}

/** Reads decompress on the main thread: an extent is small and needed at once. */
export function decompressExtentBytes(bytes: Uint8Array, rawLength: number): Uint8Array {
  return decompressExtent(bytes, rawLength);
}
