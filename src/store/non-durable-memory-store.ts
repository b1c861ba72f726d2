import type { Batch, SeriesDefinition } from '../model/index.js';
import { HashMap64, PointFlag, SeriesRefTable } from '../model/index.js';
import { CairnError, ErrorCodes } from '../errors/index.js';
import type { Querier } from '../query/index.js';
import type { Store, StoreUsage } from './store.js';
import type { Tail } from './tail/index.js';

/** One point as read back from the memory store (for tests and inspection). */
export interface StoredPoint {
  readonly series: SeriesDefinition;
  readonly timeMs: number;
  readonly startMs: number;
  readonly value: number;
  readonly flags: number;
  /** The compound payload of histograms and summaries, copied out. */
  readonly extra: readonly number[] | null;
}

export interface NonDurableMemoryStoreOptions {
  /** Oldest batches are dropped once more points than this are held. */
  readonly maxPoints: number;
}

/**
 * A stand-in Store that keeps batches in memory and loses them on exit. It exists so the
 * ingest edge can run before the on-disk store does; its name says it is not durable.
 */
export class NonDurableMemoryStore implements Store {
  readonly #series = new HashMap64<SeriesDefinition>(4096);
  readonly #refs = new SeriesRefTable();
  readonly #batches: Batch[] = [];
  readonly #maxPoints: number;
  #points = 0;
  droppedPoints = 0;

  constructor(options: NonDurableMemoryStoreOptions) {
    this.#maxPoints = options.maxPoints;
  }

  get seriesCount(): number {
    return this.#series.size;
  }

  hasSeries(hashHi: number, hashLo: number): boolean {
    return this.#series.has(hashHi, hashLo);
  }

  seriesRefs(): SeriesRefTable {
    return this.#refs;
  }

  async append(batch: Batch): Promise<void> {
    for (let i = 0; i < batch.seriesCount; i++) {
      const def = batch.definitions[i];
      if (def === undefined) continue;
      if (!this.#series.has(def.hashHi, def.hashLo)) {
        this.#series.set(def.hashHi, def.hashLo, def);
        this.#refs.set(def.hashHi, def.hashLo, this.#series.size - 1);
      }
    }
    // A copy: the caller reuses the batch's arrays once this resolves.
    this.#batches.push(copyBatch(batch));
    this.#points += batch.pointCount;
    while (this.#points > this.#maxPoints && this.#batches.length > 1) {
      const old = this.#batches.shift()!;
      this.#points -= old.pointCount;
      this.droppedPoints += old.pointCount;
    }
  }

  /** Every point held, oldest batch first. */
  *points(): Generator<StoredPoint> {
    for (const b of this.#batches) {
      for (let i = 0; i < b.pointCount; i++) {
        const local = b.series[i]!;
        const def = this.#series.get(b.seriesHashes[2 * local]!, b.seriesHashes[2 * local + 1]!);
        if (def === undefined) continue;
        const flags = b.flags[i]!;
        let extra: number[] | null = null;
        if (flags & PointFlag.COMPOUND) extra = Array.from(b.extra.subarray(b.extraOffset[i]!, nextExtra(b, i)));
        yield { series: def, timeMs: b.timeMs[i]!, startMs: b.startMs[i]!, value: b.values[i]!, flags, extra };
      }
    }
  }

  readonly ready = true;

  querier(): Querier {
    throw new CairnError(ErrorCodes.STORE_UNAVAILABLE, 'store.enabled is false: nothing is kept for queries');
  }

  async openTail(_name?: string): Promise<Tail> {
    throw new CairnError(ErrorCodes.STORE_UNAVAILABLE, 'store.enabled is false: there is no log to read');
  }

  usage(): StoreUsage {
    return { walBytes: 0, ringBytes: 0, indexBytes: 0, checkpointBytes: 0, totalBytes: 0, series: this.#series.size, headSamples: this.#points, headBytes: 0, walSegments: 0, datafiles: 0 };
  }

  async start(): Promise<void> {}
  async shutdown(_deadlineMs?: number): Promise<void> {}
}

/** Where point i's compound payload ends: the next compound point's offset, or the end. */
function nextExtra(b: Batch, i: number): number {
  for (let j = i + 1; j < b.pointCount; j++) if (b.flags[j]! & PointFlag.COMPOUND) return b.extraOffset[j]!;
  return b.extraLength;
}

function copyBatch(b: Batch): Batch {
  const n = b.pointCount;
  return {
    pointCount: n,
    seriesCount: b.seriesCount,
    extraLength: b.extraLength,
    series: b.series.slice(0, n),
    timeMs: b.timeMs.slice(0, n),
    startMs: b.startMs.slice(0, n),
    values: b.values.slice(0, n),
    flags: b.flags.slice(0, n),
    extraOffset: b.extraOffset.slice(0, n),
    extra: b.extra.slice(0, b.extraLength),
    seriesHashes: b.seriesHashes.slice(0, 2 * b.seriesCount),
    definitions: b.definitions,
  };
}
