/** Which series limit refused a new series. */
export type SeriesLimitName = 'max_series' | 'max_series_per_metric' | 'max_new_series_per_minute';

// Header words (Int32). Limits are written by the main thread; counts as described.
const MAX_SERIES = 0;
const MAX_PER_METRIC = 1;
const MAX_PER_MINUTE = 2;
/** Series the store holds, as the main thread last read it (it alone writes this word). */
const COMMITTED = 3;
/** Series admitted by workers and not yet settled by the main thread. */
const RESERVED = 4;
/** The current minute (ms / 60,000, low 31 bits) and the series created or reserved in it. */
const MINUTE = 5;
const MINUTE_COUNT = 6;
/**
 * COMMITTED + RESERVED in one word: the only count workers check max_series against, changed
 * by one atomic add per settled request, so no worker ever sees room that a settle is about
 * to count again (the store's series and the request's reservations are exchanged at once).
 */
const TOTAL = 7;
const HEADER = 8;
// Per-metric slots: state (0 empty, 1 being written, 2 ready), key hi, key lo, committed, and
// committed + reserved (the word checked, as TOTAL is).
const SLOT = 5;
const READY = 2;

/** Distinct metric names tracked per metric; past this, a new name is not limited per metric. */
export const METRIC_SLOTS = 1 << 16;

/**
 * The series limits and the counts they are checked against, in shared memory so every decode
 * worker checks and reserves against the same numbers. Workers reserve a new series before
 * accepting its points (compare-and-swap, so concurrent workers cannot both take the last
 * room); the main thread settles each reservation after the store's append (the series exists
 * now, or the request failed) and keeps `committed` equal to what the store holds. Per metric,
 * series are counted by a hash of the metric name in an open-addressing table.
 */
export class SharedSeriesLimits {
  readonly buffer: SharedArrayBuffer;
  readonly #w: Int32Array;

  constructor(source?: SharedArrayBuffer) {
    this.buffer = source ?? new SharedArrayBuffer((HEADER + METRIC_SLOTS * SLOT) * 4);
    this.#w = new Int32Array(this.buffer);
  }

  /** Main thread: the limits (0: none). */
  setLimits(maxSeries: number, maxPerMetric: number, maxPerMinute: number): void {
    Atomics.store(this.#w, MAX_SERIES, maxSeries);
    Atomics.store(this.#w, MAX_PER_METRIC, maxPerMetric);
    Atomics.store(this.#w, MAX_PER_MINUTE, maxPerMinute);
  }

  /** Whether any series limit is on (workers skip reserving otherwise). */
  get active(): boolean {
    const w = this.#w;
    return Atomics.load(w, MAX_SERIES) > 0 || Atomics.load(w, MAX_PER_METRIC) > 0 || Atomics.load(w, MAX_PER_MINUTE) > 0;
  }

  /** Main thread: the series the store holds now. */
  setCommitted(series: number): void {
    this.settleGlobal(0, series);
  }

  /**
   * Main thread: ends reservations of `reserved` store series (their request appended, or
   * failed) as the store now holds `stored` series, in one change of the count workers check.
   */
  settleGlobal(reserved: number, stored: number): void {
    const w = this.#w;
    const old = Atomics.exchange(w, COMMITTED, stored);
    Atomics.sub(w, RESERVED, reserved);
    Atomics.add(w, TOTAL, stored - old - reserved);
  }

  get committed(): number {
    return Atomics.load(this.#w, COMMITTED);
  }

  get reserved(): number {
    return Atomics.load(this.#w, RESERVED);
  }

  /**
   * Worker: takes room for a new series making `storeSeries` store series, of the metric in
   * `slot` (-1: not tracked), at `minute`; returns the limit that refused it, or null when the
   * room is taken (to be settled by the main thread).
   */
  reserve(storeSeries: number, slot: number, minute: number): SeriesLimitName | null {
    const w = this.#w;
    if (!take(w, TOTAL, storeSeries, Atomics.load(w, MAX_SERIES))) return 'max_series';
    Atomics.add(w, RESERVED, storeSeries);
    const perMetric = Atomics.load(w, MAX_PER_METRIC);
    if (slot >= 0 && perMetric > 0) {
      if (!take(w, HEADER + slot * SLOT + 4, 1, perMetric)) {
        this.#release(storeSeries, -1);
        return 'max_series_per_metric';
      }
    } else if (slot >= 0) Atomics.add(w, HEADER + slot * SLOT + 4, 1);
    this.#roll(minute);
    if (!take(w, MINUTE_COUNT, storeSeries, Atomics.load(w, MAX_PER_MINUTE))) {
      this.#release(storeSeries, slot);
      return 'max_new_series_per_minute';
    }
    return null;
  }

  /** Worker: gives back a reservation of a request whose decode failed (nothing reaches the store). */
  abandon(storeSeries: number, slot: number, minute: number): void {
    this.#release(storeSeries, slot);
    this.settleMetric(storeSeries, -1, minute, false);
  }

  /**
   * Main thread: ends a reservation's part in its metric and its minute (settleGlobal ends
   * its part in max_series). `created` when the series now exists in the store (it stays
   * counted); otherwise (the request failed, or another request made it first) the room is
   * given back.
   */
  settleMetric(storeSeries: number, slot: number, minute: number, created: boolean): void {
    const w = this.#w;
    if (slot >= 0) {
      if (created) Atomics.add(w, HEADER + slot * SLOT + 3, 1);
      else Atomics.sub(w, HEADER + slot * SLOT + 4, 1);
    }
    if (!created && Atomics.load(w, MINUTE) === (minute & 0x7fffffff)) Atomics.sub(w, MINUTE_COUNT, storeSeries);
  }

  /** Gives back a reservation's room in max_series (and in its metric, for `slot` ≥ 0). */
  #release(storeSeries: number, slot: number): void {
    const w = this.#w;
    Atomics.sub(w, RESERVED, storeSeries);
    Atomics.sub(w, TOTAL, storeSeries);
    if (slot >= 0) Atomics.sub(w, HEADER + slot * SLOT + 4, 1);
  }

  /**
   * Main thread, with no request in flight: drops reservations nobody will settle (a worker
   * that died mid-request), so they cannot hold room forever.
   */
  clearReservations(): void {
    const w = this.#w;
    if (Atomics.load(w, RESERVED) === 0) return;
    Atomics.store(w, RESERVED, 0);
    Atomics.store(w, TOTAL, Atomics.load(w, COMMITTED));
    for (let i = 0; i < METRIC_SLOTS; i++) Atomics.store(w, HEADER + i * SLOT + 4, Atomics.load(w, HEADER + i * SLOT + 3));
  }

  /** Main thread: series of a metric already in the store (at start). */
  addCommitted(slot: number, series: number): void {
    if (slot < 0) return;
    Atomics.add(this.#w, HEADER + slot * SLOT + 3, series);
    Atomics.add(this.#w, HEADER + slot * SLOT + 4, series);
  }

  /** The slot of a metric-name hash, created if needed; -1 when the table is full. */
  slotOf(hi: number, lo: number): number {
    const w = this.#w;
    hi |= 0;
    lo |= 0;
    const mask = METRIC_SLOTS - 1;
    for (let i = lo & mask, probes = 0; probes < METRIC_SLOTS; i = (i + 1) & mask, probes++) {
      const at = HEADER + i * SLOT;
      let state = Atomics.load(w, at);
      if (state === 0 && Atomics.compareExchange(w, at, 0, 1) === 0) {
        w[at + 1] = hi;
        w[at + 2] = lo;
        Atomics.store(w, at, READY);
        return i;
      }
      // Another thread is writing this slot's key: it takes a few instructions.
      while ((state = Atomics.load(w, at)) === 1);
      if (w[at + 1] === hi && w[at + 2] === lo) return i;
    }
    return -1;
  }

  /** Committed and reserved series of a metric's slot. */
  metricCount(slot: number): number {
    return Atomics.load(this.#w, HEADER + slot * SLOT + 4);
  }

  /** Starts a new minute's count when the minute has changed. */
  #roll(minute: number): void {
    const w = this.#w;
    const m = minute & 0x7fffffff;
    const seen = Atomics.load(w, MINUTE);
    if (seen !== m && Atomics.compareExchange(w, MINUTE, seen, m) === seen) Atomics.store(w, MINUTE_COUNT, 0);
  }
}

/** Adds `n` to `w[at]` if `w[at] + n` stays within `max` (0: no limit); false otherwise. */
function take(w: Int32Array, at: number, n: number, max: number): boolean {
  for (;;) {
    const current = Atomics.load(w, at);
    if (max > 0 && current + n > max) return false;
    if (Atomics.compareExchange(w, at, current, current + n) === current) return true;
  }
}
