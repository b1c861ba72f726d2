import { HashMap64 } from '../../model/index.js';
import type { SeriesDefinition } from '../../model/index.js';
import type { Identified } from './series-identifier.js';

/** What a worker remembers about one raw attribute encoding it has seen before. */
export interface SeriesEntry {
  readonly hashHi: number;
  readonly hashLo: number;
  /** Why points of this series are rejected, or null when they are accepted. */
  readonly error: string | null;
  /** Position of the drop_metrics rule that drops its points, or -1. */
  readonly drop: number;
  /** Positions of the processor rules that changed it (counted per point). */
  readonly hits: readonly number[];
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

  add(rawHi: number, rawLo: number, identity: Identified): SeriesEntry {
    if (this.#byRaw.size >= this.#maxEntries) this.clear();
    let entry: SeriesEntry;
    if (identity.kind === 'ok') {
      const { hashHi, hashLo } = identity.def;
      entry = this.#byCanonical.get(hashHi, hashLo) ?? { hashHi, hashLo, error: null, drop: -1, hits: identity.hits, stamp: -1, local: 0, ref: -1, def: identity.def };
      this.#byCanonical.set(hashHi, hashLo, entry);
    } else {
      entry = { hashHi: 0, hashLo: 0, error: identity.kind === 'error' ? identity.error : null, drop: identity.kind === 'drop' ? identity.rule : -1, hits: NO_HITS, stamp: -1, local: 0, ref: -1, def: null };
    }
    this.#byRaw.set(rawHi, rawLo, entry);
    return entry;
  }

  /** Forgets everything (when full, and when the rules that made the identities change). */
  clear(): void {
    this.#byRaw.clear();
    this.#byCanonical.clear();
  }
}

const NO_HITS: readonly number[] = [];
