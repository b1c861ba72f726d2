import { HashMap64 } from '../../model/index.js';
import type { IdentityResult, SeriesDefinition } from '../../model/index.js';

/** What a worker remembers about one raw attribute encoding it has seen before. */
export interface SeriesEntry {
  readonly hashHi: number;
  readonly hashLo: number;
  /** Why points of this series are rejected, or null when they are accepted. */
  readonly error: string | null;
  /** Batch number this entry last got a local index in, and that index. */
  stamp: number;
  local: number;
  /** The store's reference once its shared table has it; -1 until then. */
  ref: number;
  /** The definition, kept until the store has a reference for the series (then dropped). */
  def: SeriesDefinition | null;
}

/**
 * Maps a hash of the raw encoded attribute bytes (plus resource, scope and metric) to the
 * series' canonical identity, so the hot path hashes bytes instead of decoding strings.
 * Two encodings of one series (attributes reordered, JSON vs protobuf) share one entry.
 * Bounded: when full it starts over, which costs one decode per live series.
 */
export class SeriesCache {
  readonly #byRaw = new HashMap64<SeriesEntry>(4096);
  readonly #byCanonical = new HashMap64<SeriesEntry>(4096);
  readonly #maxEntries: number;

  constructor(maxEntries: number) {
    this.#maxEntries = maxEntries;
  }

  get size(): number {
    return this.#byRaw.size;
  }

  get(rawHi: number, rawLo: number): SeriesEntry | undefined {
    return this.#byRaw.get(rawHi, rawLo);
  }

  add(rawHi: number, rawLo: number, identity: IdentityResult): SeriesEntry {
    if (this.#byRaw.size >= this.#maxEntries) {
      this.#byRaw.clear();
      this.#byCanonical.clear();
    }
    let entry: SeriesEntry;
    if (identity.ok) {
      const { hashHi, hashLo } = identity.def;
      entry = this.#byCanonical.get(hashHi, hashLo) ?? { hashHi, hashLo, error: null, stamp: -1, local: 0, ref: -1, def: identity.def };
      this.#byCanonical.set(hashHi, hashLo, entry);
    } else {
      entry = { hashHi: 0, hashLo: 0, error: identity.error, stamp: -1, local: 0, ref: -1, def: null };
    }
    this.#byRaw.set(rawHi, rawLo, entry);
    return entry;
  }
}
