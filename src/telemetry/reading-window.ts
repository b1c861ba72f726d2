/**
 * Recent readings of a running total, taken when a metric is collected, so a gauge can report
 * a rate over roughly the last `spanMs` without a timer of its own (an idle agent should not
 * wake up to compute figures nobody reads). Readings closer than a tenth of the span are not
 * kept, which bounds the list to about eleven entries however often it is read.
 */
export class ReadingWindow<T> {
  readonly #spanMs: number;
  readonly #readings: { at: number; value: T }[];

  constructor(spanMs: number, first: T, at: number) {
    this.#spanMs = spanMs;
    this.#readings = [{ at, value: first }];
  }

  /**
   * Records `value` read at `at` and returns the reading to compare it with: the newest one at
   * least `spanMs` older, or the oldest kept when none is that old (just after start), or the
   * previous one when readings are further apart than the span.
   */
  baseFor(value: T, at: number): { readonly at: number; readonly value: T } {
    const r = this.#readings;
    if (at - r[r.length - 1]!.at >= this.#spanMs / 10) r.push({ at, value });
    while (r.length > 1 && at - r[1]!.at >= this.#spanMs) r.shift();
    return r[0]!;
  }
}
