import type { SeriesLimitName } from '../../model/index.js';
import { metricKey, SharedSeriesLimits } from '../../model/index.js';

/** Why a new series was not admitted: the message for partial success and the limit, for counting. */
export interface Refusal {
  readonly message: string;
  readonly limit: SeriesLimitName | 'max_new_series_per_request';
}

/**
 * New series a request may create: limits.max_new_series_per_request within the request,
 * and the global series limits through the shared counts (a reservation per admitted series,
 * listed for the main thread to settle after the append: hash hi, hash lo, store series,
 * metric slot, as a flat list).
 */
export class NewSeriesGate {
  #shared: SharedSeriesLimits | null = null;
  #newSeries = 0;
  #minute = 0;
  reservations: number[] = [];

  /** The shared counts (sent by the main thread once, and again if it replaces them). */
  useShared(buffer: SharedArrayBuffer): void {
    this.#shared = new SharedSeriesLimits(buffer);
  }

  /** Starts a request; its series are counted in the minute it started. */
  begin(nowMs: number): void {
    this.#newSeries = 0;
    this.#minute = Math.floor(nowMs / 60_000);
    this.reservations = [];
  }

  get minute(): number {
    return this.#minute;
  }

  /** Gives back this request's reservations (its decode failed: nothing reaches the store). */
  abandon(): void {
    const r = this.reservations;
    for (let i = 0; i < r.length; i += 4) this.#shared?.abandon(r[i + 2]!, r[i + 3]!, this.#minute);
    this.reservations = [];
  }

  /** Admits a series the store does not have, making `storeSeries` store series; the refusal otherwise. */
  admit(hashHi: number, hashLo: number, metricName: string, storeSeries: number, maxPerRequest: number): Refusal | null {
    if (this.#newSeries + storeSeries > maxPerRequest) return { message: `the request creates more than limits.max_new_series_per_request (${maxPerRequest}) series`, limit: 'max_new_series_per_request' };
    const shared = this.#shared;
    if (shared !== null && shared.active) {
      const key = metricKey(metricName);
      const slot = shared.slotOf(key.hi, key.lo);
      const refused = shared.reserve(storeSeries, slot, this.#minute);
      if (refused !== null) return { message: MESSAGES[refused](metricName), limit: refused };
      this.reservations.push(hashHi, hashLo, storeSeries, slot);
    }
    this.#newSeries += storeSeries;
    return null;
  }
}

const MESSAGES: Record<SeriesLimitName, (metric: string) => string> = {
  max_series: () => 'the store holds limits.max_series series; new series are refused',
  max_series_per_metric: (m) => `metric ${m.slice(0, 128)} has limits.max_series_per_metric series; new series of it are refused`,
  max_new_series_per_minute: () => 'limits.max_new_series_per_minute new series were created this minute; new series are refused until the next',
};
