import type { BatchColumns } from '../../model/index.js';

/** Where each part of a decode reply sits, from the start of its region or buffer. */
export interface ReplyLayout {
  readonly n: number;
  readonly s: number;
  readonly e: number;
  readonly defsAt: number;
  readonly defsLength: number;
  readonly frameAt: number;
  readonly frameLength: number;
  readonly framePayloadBytes: number;
}

/**
 * Byte offsets of the columns of a reply of n points, s series and e extra values: float64
 * columns first (8-aligned), then 32-bit ones, then flags; definitions and the frame follow.
 */
export function columnOffsets(n: number, s: number, e: number): { timeMs: number; startMs: number; values: number; extra: number; series: number; extraOffset: number; seriesHashes: number; seriesRefs: number; flags: number; end: number } {
  const timeMs = 0;
  const startMs = timeMs + 8 * n;
  const values = startMs + 8 * n;
  const extra = values + 8 * n;
  const series = extra + 8 * e;
  const extraOffset = series + 4 * n;
  const seriesHashes = extraOffset + 4 * n;
  const seriesRefs = seriesHashes + 8 * s;
  const flags = seriesRefs + 4 * s;
  return { timeMs, startMs, values, extra, series, extraOffset, seriesHashes, seriesRefs, flags, end: flags + n };
}

/** The batch columns and references of a reply, as views of `buffer` from byte `base`. */
export function replyViews(buffer: ArrayBufferLike, base: number, l: ReplyLayout): { columns: BatchColumns; seriesRefs: Int32Array; frame: Uint8Array; definitions: Uint8Array } {
  const o = columnOffsets(l.n, l.s, l.e);
  const columns: BatchColumns = {
    pointCount: l.n,
    seriesCount: l.s,
    extraLength: l.e,
    timeMs: new Float64Array(buffer, base + o.timeMs, l.n),
    startMs: new Float64Array(buffer, base + o.startMs, l.n),
    values: new Float64Array(buffer, base + o.values, l.n),
    extra: new Float64Array(buffer, base + o.extra, l.e),
    series: new Uint32Array(buffer, base + o.series, l.n),
    extraOffset: new Uint32Array(buffer, base + o.extraOffset, l.n),
    seriesHashes: new Uint32Array(buffer, base + o.seriesHashes, 2 * l.s),
    flags: new Uint8Array(buffer, base + o.flags, l.n),
  };
  return {
    columns,
    seriesRefs: new Int32Array(buffer, base + o.seriesRefs, l.s),
    frame: new Uint8Array(buffer, base + l.frameAt, l.frameLength),
    definitions: new Uint8Array(buffer, base + l.defsAt, l.defsLength),
  };
}
