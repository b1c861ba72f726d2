import type { AttributeLimits } from '../../model/index.js';

/** What a decoder refuses: attribute sets, buckets per point, new store series per request. */
export interface DecodeLimits extends AttributeLimits {
  readonly maxBucketsPerPoint: number;
  readonly maxNewSeriesPerRequest: number;
}

/** Default caps for decoders built without a configuration (tests, tools). */
export const DEFAULT_DECODE_CAPS = { maxBucketsPerPoint: 1024, maxNewSeriesPerRequest: 100_000 } as const;
