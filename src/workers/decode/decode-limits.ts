import type { AttributeLimits } from '../../model/index.js';
import type { LabelLimits } from './label-limits.js';
import { NO_LABEL_LIMITS } from './label-limits.js';

/** What a decoder refuses: attribute sets, labels, buckets per point, new store series per request. */
export interface DecodeLimits extends AttributeLimits, LabelLimits {
  readonly maxBucketsPerPoint: number;
  readonly maxNewSeriesPerRequest: number;
}

/** Default caps for decoders built without a configuration (tests, tools). */
export const DEFAULT_DECODE_CAPS = { maxBucketsPerPoint: 1024, maxNewSeriesPerRequest: 100_000, ...NO_LABEL_LIMITS } as const;
