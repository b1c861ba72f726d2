/** The span of sample times of some pages (ms); +∞..-∞ when there are none. */
export interface TimeRange {
  minT: number;
  maxT: number;
}

export function emptyRange(): TimeRange {
  return { minT: Number.POSITIVE_INFINITY, maxT: Number.NEGATIVE_INFINITY };
}

export function widen(range: TimeRange, by: TimeRange): void {
  if (by.minT < range.minT) range.minT = by.minT;
  if (by.maxT > range.maxT) range.maxT = by.maxT;
}
