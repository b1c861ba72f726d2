import { errorCode } from './file-io.js';
import { MAX_SEGMENT_BYTES, MIN_SEGMENT_BYTES } from './format.js';
import type { WalOptions } from './types.js';

/** Fails fast at open, naming the bad option, instead of misbehaving at the first rollover. */
export function validateOptions(o: WalOptions): void {
  if (!Number.isInteger(o.segmentBytes) || o.segmentBytes < MIN_SEGMENT_BYTES || o.segmentBytes > MAX_SEGMENT_BYTES) {
    throw new RangeError(`WAL segmentBytes must be an integer in [${MIN_SEGMENT_BYTES}, ${MAX_SEGMENT_BYTES}], got ${o.segmentBytes}`);
  }
  if (o.fsync === 'interval' && !(o.fsyncIntervalMs > 0 && o.fsyncIntervalMs <= 2 ** 31 - 1)) {
    throw new RangeError(`WAL fsyncIntervalMs must be a positive number of milliseconds, got ${o.fsyncIntervalMs}`);
  }
}

/** An error for logs and refusals: errno code first, as operators search for it. */
export function describe(err: unknown): string {
  const code = errorCode(err);
  const message = err instanceof Error ? err.message : String(err);
  return code !== undefined && !message.includes(code) ? `${code}: ${message}` : message;
}
