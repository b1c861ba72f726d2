import { HashMap64 } from '../../model/index.js';
import type { SeriesDefinition } from '../../model/index.js';
import type { Identified } from './series-identifier.js';

/** What a worker remembers about one raw attribute encoding it has seen before. */
export interface SeriesEntry {
  readonly hashHi: number;
  readonly hashLo: number;
  /** Why points of this series are rejected, or null when they are accepted. */
  readonly error: string | null;
  /** The limit behind `error`, for counting ('' when not a limit). */
  readonly errorLimit: string;
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
    const entry = this.entryFor(identity);
    this.insert(rawHi, rawLo, entry);
    return entry;
  }

  /** The entry for an identity: the one this worker already has for the series, or a new one (not stored yet). */
  entryFor(identity: Identified): SeriesEntry {
    if (identity.kind === 'ok') {
      const { hashHi, hashLo } = identity.def;
      return this.#byCanonical.get(hashHi, hashLo) ?? { hashHi, hashLo, error: null, errorLimit: '', drop: -1, hits: identity.hits, stamp: -1, local: 0, ref: -1, def: identity.def };
    }
    return { hashHi: 0, hashLo: 0, error: identity.kind === 'error' ? identity.error : null, errorLimit: identity.kind === 'error' ? identity.limit : '', drop: identity.kind === 'drop' ? identity.rule : -1, hits: NO_HITS, stamp: -1, local: 0, ref: -1, def: null };
  }

  /** Remembers an entry under its raw hash (and its canonical one). */
  insert(rawHi: number, rawLo: number, entry: SeriesEntry): void {
    if (this.#byRaw.size >= this.#maxEntries) this.clear();
    if (entry.error === null && entry.drop < 0) this.#byCanonical.set(entry.hashHi, entry.hashLo, entry);
    this.#byRaw.set(rawHi, rawLo, entry);
  }

  /** Forgets everything (when full, and when the rules that made the identities change). */
  clear(): void {
    this.#byRaw.clear();
    this.#byCanonical.clear();
  }
}

const NO_HITS: readonly number[] = [];
