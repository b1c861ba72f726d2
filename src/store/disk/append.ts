import type { Batch, SeriesDefinition } from '../../model/index.js';
import { seriesKey } from '../../model/index.js';
import { encodeDefinitions, RecordType, SampleRecordEncoder } from '../records/index.js';
import { encodeFrame, walPosition } from '../wal/index.js';
import type { HeadIngest } from './ingest.js';
import type { StoreParts } from './parts.js';

/**
 * The write path: definitions of new series get their reference and reach the WAL (and the
 * index) before any sample record that uses them, then the sample record (built by a decode
 * worker, or here for the agent's own batches), then the head. A failed definitions write
 * fails every append that needs those series; nothing refers to a series the WAL never got.
 */
export class BatchAppender {
  readonly #parts: StoreParts;
  readonly #head: HeadIngest;
  readonly #encoder = new SampleRecordEncoder();
  /** Definitions being written, by series key: appends that need them wait for the same write. */
  readonly #pending = new Map<number, Promise<void>>();

  constructor(parts: StoreParts, head: HeadIngest) {
    this.#parts = parts;
    this.#head = head;
  }

  async append(batch: Batch): Promise<void> {
    const refs = batch.seriesRefs ?? new Int32Array(batch.seriesCount).fill(-1);
    if (!this.#resolve(batch, refs)) await this.#define(batch, refs);
    let frame = batch.frame;
    let payloadBytes = batch.framePayloadBytes ?? 0;
    if (frame === undefined) {
      const payload = this.#encoder.encode(batch, refs);
      frame = encodeFrame(RecordType.SAMPLES_COMPACT, payload);
      payloadBytes = payload.length;
    }
    const position = await this.#parts.wal.appendFrame(frame, payloadBytes);
    this.#head.ingest(batch, refs, position, walPosition(position.segment, position.offset + frame.length));
  }

  /** Fills in the references the store knows; false when some local series still has none. */
  #resolve(batch: Batch, refs: Int32Array): boolean {
    const otel = this.#parts.index.otel;
    let complete = true;
    for (let i = 0; i < batch.seriesCount; i++) {
      if (refs[i]! >= 0) continue;
      const ref = otel.refOf(batch.seriesHashes[2 * i]!, batch.seriesHashes[2 * i + 1]!);
      if (ref >= 0) refs[i] = ref;
      else complete = false;
    }
    return complete;
  }

  /**
   * Defines the batch's unknown series from the definitions it carries (waiting for writes
   * already under way for the same series), then resolves their references. A series without
   * a definition stays at -1: its points are counted as dropped.
   */
  async #define(batch: Batch, refs: Int32Array): Promise<void> {
    const fresh: SeriesDefinition[] = [];
    const waits = new Set<Promise<void>>();
    const seen = new Set<number>();
    for (let i = 0; i < batch.seriesCount; i++) {
      if (refs[i]! >= 0) continue;
      const d = batch.definitions[i];
      if (d === undefined) continue;
      const key = seriesKey(d.hashHi, d.hashLo);
      const pending = this.#pending.get(key);
      if (pending !== undefined) waits.add(pending);
      else if (!seen.has(key)) {
        seen.add(key);
        fresh.push(d);
      }
    }
    if (fresh.length > 0) waits.add(this.#write(fresh));
    await Promise.all(waits);
    this.#resolve(batch, refs);
  }

  #write(fresh: SeriesDefinition[]): Promise<void> {
    const otel = this.#parts.index.otel;
    const stored = otel.assign(fresh);
    const write = this.#parts.wal.append(RecordType.DEFINITIONS, encodeDefinitions(stored)).then(() => {
      otel.add(stored);
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
