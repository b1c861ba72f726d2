import type { SeriesDefinition } from '../../model/index.js';
import { SharedSeriesTable } from '../../model/index.js';
import { RecordType, SampleRecordEncoder } from '../../store/records/index.js';
import { encodeFrameInto, maxFrameBytes } from '../../store/wal/index.js';
import type { DecodeOutcome } from './otlp-proto.js';
import type { ReplyLayout } from './reply-layout.js';
import { columnOffsets } from './reply-layout.js';

/** Where a reply goes: the worker's shared reply region when it fits, else a buffer of its own. */
export interface ReplyTarget {
  /** The bytes to write from `base`, at least `bytes` long; null when the region is too small. */
  region(bytes: number): { readonly buffer: SharedArrayBuffer; readonly base: number } | null;
}

const utf8 = new TextEncoder();

/**
 * Turns a decoded request into everything the main thread needs, laid out in one block
 * (reply-layout.ts): the columns for the head, each series' reference (found in the store's
 * shared table), the WAL frame (record encoded, lz4, CRC: the main thread only writes it) and
 * the definitions of series the store has no reference for yet.
 */
export class ReplyPreparer {
  #table: SharedSeriesTable | null = null;
  readonly #encoder = new SampleRecordEncoder();
  #refs = new Int32Array(1024);

  /** The store's table of references (replaced when the store grows it). */
  useTable(buffer: SharedArrayBuffer): void {
    this.#table = new SharedSeriesTable(buffer);
  }

  /** The store's reference of a series from its shared table, or -1 (also before the table arrives). */
  refOf(hashHi: number, hashLo: number): number {
    return this.#table?.get(hashHi, hashLo) ?? -1;
  }

  /** Writes the reply; `buffer` is set when it did not fit the region (then transfer it). */
  prepare(out: DecodeOutcome, target: ReplyTarget): { layout: ReplyLayout; buffer: ArrayBuffer | null } {
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
    const o = columnOffsets(n, s, e);
    const defsAt = o.end;
    const frameAt = defsAt + 3 * defs.length;
    const total = frameAt + maxFrameBytes(payload.length);
    const shared = target.region(total);
    const own = shared === null ? new ArrayBuffer(total) : null;
    const buffer: ArrayBufferLike = shared?.buffer ?? own!;
    const base = shared?.base ?? 0;
    new Float64Array(buffer, base + o.timeMs, n).set(b.timeMs.subarray(0, n));
    new Float64Array(buffer, base + o.startMs, n).set(b.startMs.subarray(0, n));
    new Float64Array(buffer, base + o.values, n).set(b.values.subarray(0, n));
    new Float64Array(buffer, base + o.extra, e).set(b.extra.subarray(0, e));
    new Uint32Array(buffer, base + o.series, n).set(b.series.subarray(0, n));
    new Uint32Array(buffer, base + o.extraOffset, n).set(b.extraOffset.subarray(0, n));
    new Uint32Array(buffer, base + o.seriesHashes, 2 * s).set(b.seriesHashes.subarray(0, 2 * s));
    new Int32Array(buffer, base + o.seriesRefs, s).set(refs.subarray(0, s));
    new Uint8Array(buffer, base + o.flags, n).set(b.flags.subarray(0, n));
    const bytes = new Uint8Array(buffer, base, total);
    const defsLength = defs === '' ? 0 : utf8.encodeInto(defs, bytes.subarray(defsAt, frameAt)).written;
    const frameLength = encodeFrameInto(RecordType.SAMPLES_COMPACT, payload, bytes, frameAt);
    return { layout: { n, s, e, defsAt, defsLength, frameAt, frameLength, framePayloadBytes: payload.length }, buffer: own };
  }
}
