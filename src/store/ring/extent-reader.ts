import { DatafileCorruptError, DatafileGoneError } from './errors.js';
import { ExtentCache } from './extent-cache.js';
import { verifyExtent } from './extent-format.js';
import type { FileNumber } from './file-number.js';
import { ReadHandles } from './read-handles.js';
import type { RingFile } from './ring-file.js';
import type { RingIo } from './ring-io.js';
import type { PageLocation, RingOptions } from './types.js';

/**
 * The read path: one pread per extent, both CRCs checked, decompressed once and cached, with
 * concurrent reads of the same extent sharing one load.
 */
export class ExtentReader {
  readonly #decompress: RingOptions['decompress'];
  readonly #cache: ExtentCache;
  readonly #inflight = new Map<string, Promise<Uint8Array>>();
  readonly #handles: ReadHandles;

  constructor(io: RingIo, decompress: RingOptions['decompress'], cacheBytes: number, maxOpenHandles: number) {
    this.#decompress = decompress;
    this.#cache = new ExtentCache(cacheBytes);
    this.#handles = new ReadHandles(io, maxOpenHandles);
  }

  /** The decompressed extent the location points into; `source` is the location's file. */
  read(source: RingFile, location: PageLocation): Promise<Uint8Array> {
    const key = ExtentCache.key(location.file, location.extentOffset);
    const cached = this.#cache.get(key);
    if (cached !== undefined) return Promise.resolve(cached);
    let pending = this.#inflight.get(key);
    if (pending === undefined) {
      pending = this.#load(source, location).finally(() => this.#inflight.delete(key));
      this.#inflight.set(key, pending);
    }
    return pending;
  }

  /** The file left the ring. */
  forget(file: FileNumber): void {
    this.#handles.retire(file);
    this.#cache.dropFile(file);
  }

  close(): Promise<void> {
    return this.#handles.closeAll();
  }

  async #load(source: RingFile, location: PageLocation): Promise<Uint8Array> {
    const { file, extentOffset, extentLength, rawLength } = location;
    const corrupt = (reason: string, cause?: unknown): DatafileCorruptError => new DatafileCorruptError(file, extentOffset, reason, { cause });
    const extent = new Uint8Array(extentLength);
    let read: number;
    try {
      const lease = await this.#handles.acquire(file, source.datafilePath);
      try {
        read = await lease.handle.read(extent, extentOffset);
      } finally {
        lease.release();
      }
    } catch (error) {
      if (source.deleted || source.deleting) throw new DatafileGoneError(file);
      throw corrupt(`read failed: ${String(error)}`, error);
    }
    if (read < extentLength) throw corrupt(`extent truncated: ${read} of ${extentLength} bytes`);
    const check = verifyExtent(extent);
    if (!check.ok) throw corrupt(check.reason);
    if (check.rawLength !== rawLength) throw corrupt(`extent holds ${check.rawLength} raw bytes, location says ${rawLength}`);
    let raw: Uint8Array;
    try {
      raw = await this.#decompress(check.payload, rawLength);
    } catch (error) {
      throw corrupt('payload does not decompress', error);
    }
    if (raw.length !== rawLength) throw corrupt(`payload decompressed to ${raw.length} bytes, expected ${rawLength}`);
    if (!source.deleted) this.#cache.set(ExtentCache.key(file, extentOffset), file, raw);
    return raw;
  }
}
