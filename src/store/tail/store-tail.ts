import type { Logger } from '../../log/index.js';
import type { BatchColumns, SeriesDefinition } from '../../model/index.js';
import type { Wal, WalPosition, WalReadResult } from '../wal/index.js';
import { WalReader, walPosition } from '../wal/index.js';
import type { SegmentPoints } from './segment-points.js';
import type { Tail, TailEntry, TailGap, TailOptions, TailPosition } from './types.js';

/** What a tail needs from the store it reads. */
export interface TailSource {
  readonly wal: Wal;
  readonly logger: Logger;
  /** The batch a WAL record carries, or null for records that carry none (definitions). */
  decode(type: number, payload: Uint8Array): BatchColumns | null;
  definitionOf(hashHi: number, hashLo: number): SeriesDefinition | undefined;
  /** Points the store appended to (or replayed from) each segment, by record. */
  readonly points: SegmentPoints;
}

/**
 * A named reader of the WAL with a durable cursor (docs/format/cursor.md): what an exporter
 * uses instead of assembling readers, cursor files and record codecs itself.
 */
export class StoreTail implements Tail {
  readonly name: string;
  readonly #source: TailSource;
  readonly #reader: WalReader;
  readonly #abort = new AbortController();
  #committed: TailPosition | null;
  #closed = false;

  private constructor(name: string, source: TailSource, from: WalPosition | null, committed: TailPosition | null) {
    this.name = name;
    this.#source = source;
    this.#committed = committed;
    this.#reader = new WalReader(source.wal, from, { logger: source.logger });
  }

  /** Opens the tail `name` at its saved cursor (or per `options.start` when it has none) and registers it for retention. */
  static async open(source: TailSource, name: string, options: TailOptions = {}): Promise<StoreTail> {
    const { wal } = source;
    wal.registerCursor(name);
    const saved = await wal.cursors.load(name).catch((err: Error) => {
      source.logger.warn('tail cursor unreadable; starting from the oldest segment', { component: 'store', tail: name, error: err.message });
      return null;
    });
    let from: WalPosition | null = saved;
    if (saved === null && options.start === 'end') {
      const current = wal.currentSegment();
      from = walPosition(current, wal.segmentSize(current) ?? 0);
      // Held from here on, not from the oldest segment.
      await wal.cursors.save(name, from);
    }
    return new StoreTail(name, source, from, saved);
  }

  get committed(): TailPosition | null {
    return this.#committed;
  }

  get position(): TailPosition {
    return this.#reader.position;
  }

  async commit(position: TailPosition): Promise<void> {
    await this.#source.wal.cursors.save(this.name, position);
    this.#committed = position;
  }

  pendingPoints(): number | null {
    const { wal, points } = this.#source;
    const at = this.#reader.position;
    let total = -points.before(at.segment, at.offset);
    for (const { segment } of wal.segments()) {
      if (segment < at.segment) continue;
      // Every segment on disk was replayed at open or written since, so one without a count
      // holds no sample record (definitions only, or nothing yet): 0, not unknown.
      total += points.total(segment) ?? 0;
    }
    return Math.max(0, total);
  }

  pendingBytes(): number {
    const at = this.#reader.position;
    let total = 0;
    for (const { segment, bytes } of this.#source.wal.segments()) {
      if (segment > at.segment) total += bytes;
      else if (segment === at.segment) total += Math.max(0, bytes - at.offset);
    }
    return total;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#abort.abort();
    await this.#reader.close();
  }

  async remove(): Promise<void> {
    await this.close();
    await this.#source.wal.cursors.remove(this.name);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<TailEntry> {
    while (!this.#closed) {
      const from = this.#reader.position;
      const item = await this.#reader.next();
      if (item === null) {
        try {
          await this.#reader.waitForData(this.#abort.signal);
        } catch {
          return; // closed, or the WAL shut down: the iteration ends, the cursor stays
        }
        continue;
      }
      const entry = this.#entry(item, from);
      if (entry !== null) yield entry;
    }
  }

  /** The entry for what the reader returned, having read from `from`. */
  #entry(item: WalReadResult, from: WalPosition): TailEntry | null {
    switch (item.kind) {
      case 'record': {
        const batch = this.#source.decode(item.type, item.payload);
        if (batch === null) return null;
        const definitions = new Array<SeriesDefinition | undefined>(batch.seriesCount);
        for (let i = 0; i < batch.seriesCount; i++) definitions[i] = this.#source.definitionOf(batch.seriesHashes[2 * i]!, batch.seriesHashes[2 * i + 1]!);
        return { kind: 'batch', batch, definitions, position: item.next };
      }
      case 'gap': {
        const gap: TailGap = { kind: 'gap', cause: 'dropped', lostPoints: this.#lostPoints(item.firstLost, item.lastLost, from), firstSegment: item.firstLost, lastSegment: item.lastLost, position: item.next };
        return gap;
      }
      case 'corrupt': {
        const { segment, offset } = item.position;
        const points = this.#source.points;
        // Records the store counted between the corrupt bytes' start and end are the ones lost.
        const lost = points.total(segment) === undefined ? null : points.before(segment, item.next.offset) - points.before(segment, offset);
        return { kind: 'gap', cause: 'corrupt', lostPoints: lost, firstSegment: segment, lastSegment: segment, position: item.next };
      }
    }
  }

  #lostPoints(first: number, last: number, from: WalPosition): number | null {
    const points = this.#source.points;
    let lost = first === from.segment ? -points.before(from.segment, from.offset) : 0;
    for (let s = first; s <= last; s++) {
      const n = points.total(s);
      if (n === undefined) return null;
      lost += n;
    }
    return Math.max(0, lost);
  }
}
