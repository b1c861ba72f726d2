/**
 * Prometheus marks a series that disappeared with one special NaN. Its payload is lost as soon
 * as the value passes through a JS number (engines may canonicalise NaN), so the check reads the
 * bits straight from the array's memory.
 */
export const STALE_MARKER_BITS = 0x7ff0000000000002n;

export function isStaleMarker(values: Float64Array, index: number): boolean {
  const v = values[index];
  if (v === undefined || !Number.isNaN(v)) return false;
  return new BigUint64Array(values.buffer, values.byteOffset + index * 8, 1)[0] === STALE_MARKER_BITS;
}

/** Writes the stale marker into `values[index]` (stores and tests that build sample arrays). */
export function writeStaleMarker(values: Float64Array, index: number): void {
  new BigUint64Array(values.buffer, values.byteOffset + index * 8, 1)[0] = STALE_MARKER_BITS;
}
