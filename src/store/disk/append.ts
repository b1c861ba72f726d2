import type { Batch, SeriesDefinition } from '../../model/index.js';
import { seriesKey } from '../../model/index.js';
import { encodeBatch, encodeDefinitions, RecordType } from '../records/index.js';
import type { HeadIngest } from './ingest.js';
import type { StoreParts } from './parts.js';

/**
 * The write path: definitions of new series reach the WAL (and the index) before any sample
 * record that uses them, then the sample record, then the head. A failed definitions write
 * fails every append that needs those series; nothing refers to a series the WAL never got.
 */
export class BatchAppender {
  readonly #parts: StoreParts;
  readonly #head: HeadIngest;
  /** Definitions being written, by series key: appends that need them wait for the same write. */
  readonly #pending = new Map<number, Promise<void>>();

  constructor(parts: StoreParts, head: HeadIngest) {
    this.#parts = parts;
    this.#head = head;
  }

  async append(batch: Batch): Promise<void> {
    await this.#define(batch.definitions);
    const position = await this.#parts.wal.append(RecordType.SAMPLES, encodeBatch(batch));
    this.#head.ingest(batch, position);
  }

  /** Resolves once every definition the batch carries is in the WAL and the index. */
  async #define(definitions: Batch['definitions']): Promise<void> {
    const { index } = this.#parts;
    const fresh: SeriesDefinition[] = [];
    const waits: Promise<void>[] = [];
    for (const d of definitions) {
      if (d === undefined || index.hasDefinition(d.hashHi, d.hashLo)) continue;
      const pending = this.#pending.get(seriesKey(d.hashHi, d.hashLo));
      if (pending !== undefined) waits.push(pending);
      else fresh.push(d);
    }
    if (fresh.length > 0) waits.push(this.#write(dedupe(fresh)));
    if (waits.length > 0) await Promise.all(waits);
  }

  #write(fresh: SeriesDefinition[]): Promise<void> {
    const write = this.#parts.wal.append(RecordType.DEFINITIONS, encodeDefinitions(fresh)).then(() => {
      this.#parts.index.addDefinitions(fresh);
    });
    const keys = fresh.map((d) => seriesKey(d.hashHi, d.hashLo));
    for (const k of keys) this.#pending.set(k, write);
    const done = (): void => {
      for (const k of keys) if (this.#pending.get(k) === write) this.#pending.delete(k);
    };
    write.then(done, done);
    return write;
  }
}

function dedupe(defs: SeriesDefinition[]): SeriesDefinition[] {
  const seen = new Set<number>();
  return defs.filter((d) => {
    const k = seriesKey(d.hashHi, d.hashLo);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
