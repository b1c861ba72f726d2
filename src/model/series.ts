import type { MetricKind, Temporality } from './kinds.js';

/** Attribute set flattened to label pairs, sorted by key, values rendered as strings. */
export type Labels = readonly (readonly [string, string])[];

/** Everything that identifies a series, plus its description (kept, not part of identity). */
export interface SeriesDefinition {
  /** 64-bit identity hash as two unsigned 32-bit halves. */
  readonly hashHi: number;
  readonly hashLo: number;
  readonly name: string;
  readonly kind: MetricKind;
  readonly temporality: Temporality;
  readonly monotonic: boolean;
  readonly unit: string;
  readonly description: string;
  readonly resource: Labels;
  readonly scopeName: string;
  readonly scopeVersion: string;
  readonly attributes: Labels;
}

/**
 * A 53-bit number made from the 64-bit hash, usable as a Map key without allocation.
 * Two series collide here with probability ~n²/2^54 (about 1 in 18,000 at a million series).
 */
export function seriesKey(hashHi: number, hashLo: number): number {
  return (hashHi & 0x1fffff) * 4294967296 + (hashLo >>> 0);
}
