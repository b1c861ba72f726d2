/**
 * How many points each WAL record carries, by segment and record offset: what an exporter's
 * backlog is, and exactly how many points a dropped segment took with it. Filled by appends
 * and by replay; one pair of numbers per record.
 */
export class SegmentPoints {
  readonly #bySegment = new Map<number, { offsets: number[]; cumulative: number[] }>();

  /** A record of `points` points starting at `offset` of `segment` (offsets only grow within a segment). */
  add(segment: number, offset: number, points: number): void {
    let s = this.#bySegment.get(segment);
    if (s === undefined) this.#bySegment.set(segment, (s = { offsets: [], cumulative: [] }));
    const before = s.cumulative.length === 0 ? 0 : s.cumulative[s.cumulative.length - 1]!;
    s.offsets.push(offset);
    s.cumulative.push(before + points);
  }

  /** Points in the segment; undefined when the store never saw it. */
  total(segment: number): number | undefined {
    const s = this.#bySegment.get(segment);
    if (s === undefined) return undefined;
    return s.cumulative.length === 0 ? 0 : s.cumulative[s.cumulative.length - 1]!;
  }

  /** Points in records of the segment that start before `offset`. */
  before(segment: number, offset: number): number {
    const s = this.#bySegment.get(segment);
    if (s === undefined) return 0;
    let lo = 0;
    let hi = s.offsets.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (s.offsets[mid]! < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? 0 : s.cumulative[lo - 1]!;
  }

  /** Forgets segments numbered below `segment`. */
  forgetBefore(segment: number): void {
    for (const s of this.#bySegment.keys()) if (s < segment) this.#bySegment.delete(s);
  }
}
