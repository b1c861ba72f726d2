import type { BatchColumns, SeriesDefinition } from '../../model/index.js';
import { SharedSeriesTable } from '../../model/index.js';
import { RecordType, SampleRecordEncoder } from '../../store/records/index.js';
import { encodeFrameInto, maxFrameBytes } from '../../store/wal/index.js';
import type { DecodeOutcome } from './otlp-proto.js';

/** What a decode reply carries besides its counts: views of one transferable buffer. */
export interface PreparedBatch {
  readonly columns: BatchColumns;
  /** Per local series: the store's reference from the shared table, or -1. */
  readonly seriesRefs: Int32Array;
  /** The sealed WAL frame of the batch's compact sample record. */
  readonly frame: Uint8Array;
  readonly framePayloadBytes: number;
  /** UTF-8 JSON `[[local, definition], …]` for the local series without a reference; empty when none. */
  readonly definitions: Uint8Array;
  /** The buffer under all of the above: hand it back with a later request to be reused. */
  readonly buffer: ArrayBuffer;
}

/** Output buffers kept for reuse; a few cover the requests a worker has in flight. */
const MAX_FREE_BUFFERS = 8;
const utf8 = new TextEncoder();

/**
 * Turns a decoded request into everything the main thread needs in one buffer: the columns
 * for the head, each series' reference (found in the store's shared table), the WAL frame
 * (record encoded, lz4, CRC: the main thread only writes it) and the definitions of series
 * the store has no reference for yet. Buffers come back from the main thread and are reused,
 * so steady ingest allocates none.
 */
export class ReplyPreparer {
  #table: SharedSeriesTable | null = null;
  readonly #encoder = new SampleRecordEncoder();
  #refs = new Int32Array(1024);
  readonly #free: ArrayBuffer[] = [];

  /** The store's table of references (replaced when the store grows it). */
  useTable(buffer: SharedArrayBuffer): void {
    this.#table = new SharedSeriesTable(buffer);
  }

  recycle(buffer: ArrayBuffer): void {
    if (this.#free.length < MAX_FREE_BUFFERS) this.#free.push(buffer);
  }

  prepare(out: DecodeOutcome): PreparedBatch {
    const b = out.batch;
    const n = b.pointCount;
    const s = b.seriesCount;
    const e = b.extraLength;
    if (this.#refs.length < s) this.#refs = new Int32Array(Math.max(2 * s, 1024));
    const refs = this.#refs;
    const table = this.#table;
    let pending: [number, SeriesDefinition][] | null = null;
    for (let i = 0; i < s; i++) {
      const slot = out.series[i]!;
      if (slot.ref < 0 && table !== null) {
        slot.ref = table.get(b.seriesHashes[2 * i]!, b.seriesHashes[2 * i + 1]!);
        // Known to the store from now on: the strings are not needed any more.
        if (slot.ref >= 0) slot.def = null;
      }
      refs[i] = slot.ref;
      if (slot.ref < 0 && slot.def !== null) (pending ??= []).push([i, slot.def]);
    }
    const payload = this.#encoder.encode(b, refs);
    const defs = pending === null ? '' : JSON.stringify(pending);
    // Layout: f64 columns, u32/i32 columns, u8 columns, definitions, frame.
    const f64 = 8 * (3 * n + e);
    const u32 = 4 * (2 * n + 3 * s);
    const defsAt = f64 + u32 + n;
    const frameAt = defsAt + 3 * defs.length;
    const buffer = this.#take(frameAt + maxFrameBytes(payload.length));
    let at = 0;
    const f64s = (len: number): Float64Array => {
      const v = new Float64Array(buffer, at, len);
      at += 8 * len;
      return v;
    };
    const u32s = (len: number): Uint32Array => {
      const v = new Uint32Array(buffer, at, len);
      at += 4 * len;
      return v;
    };
    const timeMs = f64s(n);
    timeMs.set(b.timeMs.subarray(0, n));
    const startMs = f64s(n);
    startMs.set(b.startMs.subarray(0, n));
    const values = f64s(n);
    values.set(b.values.subarray(0, n));
    const extra = f64s(e);
    extra.set(b.extra.subarray(0, e));
    const series = u32s(n);
    series.set(b.series.subarray(0, n));
    const extraOffset = u32s(n);
    extraOffset.set(b.extraOffset.subarray(0, n));
    const seriesHashes = u32s(2 * s);
    seriesHashes.set(b.seriesHashes.subarray(0, 2 * s));
    const seriesRefs = new Int32Array(buffer, at, s);
    seriesRefs.set(refs.subarray(0, s));
    at += 4 * s;
    const flags = new Uint8Array(buffer, at, n);
    flags.set(b.flags.subarray(0, n));
    const bytes = new Uint8Array(buffer);
    const defsLength = defs === '' ? 0 : utf8.encodeInto(defs, bytes.subarray(defsAt, frameAt)).written;
    const frameLength = encodeFrameInto(RecordType.SAMPLES_COMPACT, payload, bytes, frameAt);
    return {
      columns: { pointCount: n, seriesCount: s, extraLength: e, series, timeMs, startMs, values, flags, extraOffset, extra, seriesHashes },
      seriesRefs,
      frame: bytes.subarray(frameAt, frameAt + frameLength),
      framePayloadBytes: payload.length,
      definitions: bytes.subarray(defsAt, defsAt + defsLength),
      buffer,
    };
  }

  /** A recycled buffer of at least `bytes`, or a new one (sized with room to spare for the next requests). */
  #take(bytes: number): ArrayBuffer {
    for (let i = 0; i < this.#free.length; i++) {
      const buf = this.#free[i]!;
      if (buf.byteLength >= bytes) {
        this.#free.splice(i, 1);
        return buf;
      }
    }
    return new ArrayBuffer(Math.max(bytes + (bytes >> 2), 64 * 1024));
  }
}
