import { metricKey, SharedSeriesLimits } from '../model/index.js';
import type { Store } from '../store/index.js';

export interface SeriesLimitSettings {
  readonly maxSeries: number;
  readonly maxSeriesPerMetric: number;
  readonly maxNewSeriesPerMinute: number;
}

/**
 * The main thread's side of the series limits (the workers reserve, model/shared-series-limits.ts):
 * seeds the counts from the store at start, settles every reservation after its request's
 * append, and keeps the global count equal to the series the store holds, so the limits count
 * what is really there (the agent's own series included) rather than what was admitted.
 * A series counts once in its metric however many requests raced to create it: the store's
 * reference of the series marks it counted.
 */
export class SeriesLimiter {
  readonly shared = new SharedSeriesLimits();
  readonly #store: Store;
  /** Series references counted per metric (references below `#seededBelow` were counted at start). */
  #counted = new Uint8Array(1024);
  #seededBelow = 0;

  constructor(store: Store, settings: SeriesLimitSettings) {
    this.#store = store;
    this.update(settings);
  }

  update(s: SeriesLimitSettings): void {
    this.shared.setLimits(s.maxSeries, s.maxSeriesPerMetric, s.maxNewSeriesPerMinute);
  }

  /** Reads what the store holds (after its start, before any request). */
  seed(): void {
    this.shared.setCommitted(this.#store.storedSeriesCount?.() ?? 0);
    const otel = this.#store.otelSeriesByMetric?.();
    if (otel === undefined) return;
    for (const [name, n] of otel.byMetric) {
      const key = metricKey(name);
      this.shared.addCommitted(this.shared.slotOf(key.hi, key.lo), n);
    }
    this.#seededBelow = otel.nextRef;
  }

  /**
   * Ends a request's reservations (`reservations` from its decode reply) once its append has
   * settled, whether it stored the batch or failed: in max_series, the request's reserved room
   * is exchanged for what the store now holds in one step.
   */
  settle(reservations: readonly number[], minute: number): void {
    const refs = this.#store.seriesRefs();
    let reserved = 0;
    let created = 0;
    for (let i = 0; i < reservations.length; i += 4) {
      const ref = refs.get(reservations[i]!, reservations[i + 1]!);
      const made = ref >= 0 && this.#markCounted(ref);
      this.shared.settleMetric(reservations[i + 2]!, reservations[i + 3]!, minute, made);
      reserved += reservations[i + 2]!;
      if (made) created += reservations[i + 2]!;
    }
    this.shared.settleGlobal(reserved, this.#store.storedSeriesCount?.() ?? this.shared.committed + created);
  }

  /**
   * Sets the count to what the store holds now (after the agent's own appends). A request
   * whose series the store made in the instants before its settle is counted twice until
   * then: the limit errs towards refusing, never past itself.
   */
  refresh(): void {
    const held = this.#store.storedSeriesCount?.();
    if (held !== undefined) this.shared.setCommitted(held);
  }

  /** With no request in flight, reservations left by a worker that died mid-request are dropped. */
  idle(): void {
    this.shared.clearReservations();
  }

  /** True the first time a reference is seen created. */
  #markCounted(ref: number): boolean {
    if (ref < this.#seededBelow) return false;
    if (ref >= this.#counted.length * 8) {
      const grown = new Uint8Array(Math.max(this.#counted.length * 2, (ref >> 3) + 1));
      grown.set(this.#counted);
      this.#counted = grown;
    }
    const bit = 1 << (ref & 7);
    if ((this.#counted[ref >> 3]! & bit) !== 0) return false;
    this.#counted[ref >> 3]! |= bit;
    return true;
  }
}
