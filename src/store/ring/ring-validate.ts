import { CairnError, ErrorCodes } from '../../errors/index.js';
import { isUint32 } from './le-bytes.js';
import { nodeRingIo } from './ring-io.js';
import type { RingIo } from './ring-io.js';
import type { PageToAppend, RingOptions } from './types.js';

export interface ResolvedRingOptions extends RingOptions {
  readonly extentCacheBytes: number;
  readonly tier: number;
  readonly io: RingIo;
  readonly maxOpenReadHandles: number;
}

/** Smallest datafile accepted: a header and a few small extents; tests use sizes this small. */
const MIN_DATAFILE_BYTES = 1024;

export function resolveRingOptions(options: RingOptions): ResolvedRingOptions {
  const bad = (key: string, expected: string, got: unknown): CairnError =>
    new CairnError(ErrorCodes.CONFIG_INVALID, `store ring ${key}: expected ${expected}, got ${String(got)}`);
  if (!Number.isInteger(options.datafileBytes) || options.datafileBytes < MIN_DATAFILE_BYTES || !isUint32(options.datafileBytes)) {
    // Extent offsets are u32 in the journal.
    throw bad('datafileBytes', `an integer in [${MIN_DATAFILE_BYTES}, 4294967295]`, options.datafileBytes);
  }
  const tier = options.tier ?? 0;
  if (!Number.isInteger(tier) || tier < 0 || tier > 255) throw bad('tier', 'an integer in [0, 255]', tier);
  const extentCacheBytes = options.extentCacheBytes ?? 16 * 1024 * 1024;
  if (!Number.isInteger(extentCacheBytes) || extentCacheBytes < 0) throw bad('extentCacheBytes', 'a non-negative integer', extentCacheBytes);
  const maxOpenReadHandles = options.maxOpenReadHandles ?? 64;
  if (!Number.isInteger(maxOpenReadHandles) || maxOpenReadHandles < 1) throw bad('maxOpenReadHandles', 'a positive integer', maxOpenReadHandles);
  return { ...options, tier, extentCacheBytes, maxOpenReadHandles, io: options.io ?? nodeRingIo };
}

/** Checks what the format can hold and concatenates the pages: the raw (uncompressed) extent. */
export function packPages(pages: readonly PageToAppend[]): Uint8Array {
  if (pages.length === 0) throw new RangeError('an extent needs at least one page');
  let rawLength = 0;
  for (const [i, { meta, bytes }] of pages.entries()) {
    if (!isUint32(meta.seriesRef) || !isUint32(meta.count)) throw new RangeError(`page ${i}: seriesRef and count must be u32`);
    if (!Number.isSafeInteger(meta.minT) || !Number.isSafeInteger(meta.maxT) || meta.minT > meta.maxT) {
      throw new RangeError(`page ${i}: minT ${meta.minT} and maxT ${meta.maxT} must be integers with minT <= maxT`);
    }
    rawLength += bytes.length;
  }
  if (!isUint32(rawLength)) throw new RangeError(`extent of ${rawLength} raw bytes exceeds 4 GiB`);
  const raw = new Uint8Array(rawLength);
  let at = 0;
  for (const { bytes } of pages) {
    raw.set(bytes, at);
    at += bytes.length;
  }
  return raw;
}
