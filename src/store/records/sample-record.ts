import { CairnError, ErrorCodes } from '../../errors/index.js';
import type { BatchColumns } from '../../model/index.js';
import { PointFlag } from '../../model/index.js';
import { ByteReader, ByteWriter } from './byte-io.js';
import { readNumber, TagReader, TagWriter, writeNumber } from './number-codec.js';

/** Format version written in the first byte of a compact sample record (docs/format/wal.md). */
export const SAMPLE_RECORD_VERSION = 1;

/** Sections of a compact sample record, in the order they follow the header. */
const SECTIONS = ['series', 'locals', 'flags', 'times', 'starts', 'tags', 'values', 'extraOffsets', 'extraTags', 'extraValues'] as const;
type Section = (typeof SECTIONS)[number];

/**
 * Writes compact sample records (type 3). One writer per section, reused from record to
 * record: a worker encodes thousands of records a second and must not allocate for each.
 */
export class SampleRecordEncoder {
  readonly #w: Record<Section, ByteWriter>;
  readonly #tags: TagWriter;
  readonly #extraTags: TagWriter;
  readonly #out = new ByteWriter(64 * 1024);

  constructor() {
    this.#w = Object.fromEntries(SECTIONS.map((s) => [s, new ByteWriter(s === 'values' ? 16 * 1024 : 4 * 1024)])) as Record<Section, ByteWriter>;
    this.#tags = new TagWriter(this.#w.tags);
    this.#extraTags = new TagWriter(this.#w.extraTags);
  }

  /**
   * The record payload for a batch. `seriesRefs[i]` is the store's reference of local series
   * i, or -1 when it has none yet: that series is written by its 64-bit hash instead, and the
   * definitions record that gives it a reference must come first in the WAL.
   * Returns a view of the encoder's buffer, valid until the next call.
   */
  encode(b: BatchColumns, seriesRefs: Int32Array): Uint8Array {
    const w = this.#w;
    for (const s of SECTIONS) w[s].reset();
    this.#tags.reset();
    this.#extraTags.reset();
    const n = b.pointCount;
    let prevRef = 0;
    for (let i = 0; i < b.seriesCount; i++) {
      const ref = seriesRefs[i]!;
      if (ref >= 0) {
        const d = ref - prevRef;
        w.series.varint(2 * (d < 0 ? -2 * d - 1 : 2 * d));
        prevRef = ref;
      } else {
        w.series.varint(1);
        w.series.u32(b.seriesHashes[2 * i]!);
        w.series.u32(b.seriesHashes[2 * i + 1]!);
      }
    }
    const base = n > 0 ? b.timeMs[0]! : 0;
    const valueBytes = new Uint8Array(b.values.buffer, b.values.byteOffset, b.values.byteLength);
    w.flags.ensure(n);
    let prevLocal = -1;
    let prevT = base;
    let prevOffset = 0;
    // Columns whose every entry is the default are left empty (see decodeSampleRecord).
    let plainLocals = n === b.seriesCount;
    let noFlags = true;
    let sameTimes = true;
    let noStarts = true;
    for (let i = 0; i < n; i++) {
      const local = b.series[i]!;
      const dl = local - prevLocal - 1;
      if (dl !== 0) plainLocals = false;
      w.locals.zigzag(dl);
      prevLocal = local;
      const f = b.flags[i]!;
      if (f !== 0) noFlags = false;
      w.flags.buf[w.flags.pos++] = f;
      const t = b.timeMs[i]!;
      if (t !== base) sameTimes = false;
      w.times.zigzag(t - prevT);
      prevT = t;
      const start = b.startMs[i]!;
      if (start === 0) w.starts.u8(0);
      else {
        noStarts = false;
        const d = t - start;
        w.starts.varint((d < 0 ? -2 * d - 1 : 2 * d) + 1);
      }
      this.#tags.push(writeNumber(w.values, b.values[i]!, valueBytes, i));
      if (f & PointFlag.COMPOUND) {
        const offset = b.extraOffset[i]!;
        w.extraOffsets.zigzag(offset - prevOffset);
        prevOffset = offset;
      }
    }
    this.#tags.flush();
    if (plainLocals) w.locals.reset();
    if (noFlags) w.flags.reset();
    if (sameTimes) w.times.reset();
    if (noStarts) w.starts.reset();
    const extraBytes = new Uint8Array(b.extra.buffer, b.extra.byteOffset, b.extra.byteLength);
    for (let i = 0; i < b.extraLength; i++) this.#extraTags.push(writeNumber(w.extraValues, b.extra[i]!, extraBytes, i));
    this.#extraTags.flush();
    const out = this.#out;
    out.reset();
    out.u8(SAMPLE_RECORD_VERSION);
    out.varint(n);
    out.varint(b.seriesCount);
    out.varint(b.extraLength);
    out.varint(base);
    for (const s of SECTIONS) out.varint(w[s].pos);
    for (const s of SECTIONS) out.bytes(w[s].buf.subarray(0, w[s].pos));
    return out.buf.subarray(0, out.pos);
  }
}

/** A decoded sample record: the batch columns, and per local series its reference or -1 (then its hash is in `seriesHashes`). */
export interface DecodedSamples {
  readonly columns: BatchColumns;
  readonly seriesRefs: Int32Array;
}

/** Decodes a compact sample record; throws WAL_CORRUPT when its fields do not add up. */
export function decodeSampleRecord(payload: Uint8Array): DecodedSamples {
  const r = new ByteReader(payload);
  const version = r.u8();
  if (version !== SAMPLE_RECORD_VERSION) throw corrupt(`sample record version ${version} is not ${SAMPLE_RECORD_VERSION}`);
  const n = r.varint();
  const s = r.varint();
  const e = r.varint();
  // Every point takes at least a value byte and half a tag, every series a byte: bounds what a bad count allocates.
  if (n + s > payload.length || e > payload.length) throw corrupt(`sample record of ${payload.length} bytes claims ${n} points, ${s} series, ${e} extra values`);
  const base = r.varint();
  const lengths = SECTIONS.map(() => r.varint());
  const sec = Object.fromEntries(SECTIONS.map((name, k) => [name, r.take(lengths[k]!)])) as Record<Section, ByteReader>;
  const seriesRefs = new Int32Array(s);
  const seriesHashes = new Uint32Array(2 * s);
  let prevRef = 0;
  for (let i = 0; i < s; i++) {
    const tag = sec.series.varint();
    if (tag === 1) {
      seriesRefs[i] = -1;
      seriesHashes[2 * i] = sec.series.u32();
      seriesHashes[2 * i + 1] = sec.series.u32();
    } else {
      const z = tag / 2;
      prevRef += z % 2 === 0 ? z / 2 : -(z + 1) / 2;
      seriesRefs[i] = prevRef;
    }
  }
  const series = new Uint32Array(n);
  const timeMs = new Float64Array(n);
  const startMs = new Float64Array(n);
  const values = new Float64Array(n);
  const flags = new Uint8Array(n);
  const extraOffset = new Uint32Array(n);
  const valueBytes = new Uint8Array(values.buffer);
  // An empty column means every entry has its default: point i of local i, no flags, the
  // base time, no start time.
  const plainLocals = lengths[1] === 0;
  const noFlags = lengths[2] === 0;
  const sameTimes = lengths[3] === 0;
  const noStarts = lengths[4] === 0;
  if (plainLocals && n > s) throw corrupt(`sample record has ${n} points of ${s} series and no local series column`);
  const tags = new TagReader(sec.tags);
  let prevLocal = -1;
  let prevT = base;
  let prevOffset = 0;
  for (let i = 0; i < n; i++) {
    const local = plainLocals ? i : prevLocal + 1 + sec.locals.zigzag();
    if (local < 0 || local >= s) throw corrupt(`point ${i} names local series ${local} of ${s}`);
    series[i] = prevLocal = local;
    const f = (flags[i] = noFlags ? 0 : sec.flags.u8());
    if (!sameTimes) prevT += sec.times.zigzag();
    timeMs[i] = prevT;
    const sc = noStarts ? 0 : sec.starts.varint();
    if (sc !== 0) {
      const z = sc - 1;
      startMs[i] = prevT - (z % 2 === 0 ? z / 2 : -(z + 1) / 2);
    }
    readNumber(tags.next(), sec.values, values, valueBytes, i);
    if (f & PointFlag.COMPOUND) {
      prevOffset += sec.extraOffsets.zigzag();
      if (prevOffset < 0 || prevOffset > e) throw corrupt(`point ${i} has its payload at ${prevOffset} of ${e} extra values`);
      extraOffset[i] = prevOffset;
    }
  }
  const extra = new Float64Array(e);
  const extraBytes = new Uint8Array(extra.buffer);
  const extraTags = new TagReader(sec.extraTags);
  for (let i = 0; i < e; i++) readNumber(extraTags.next(), sec.extraValues, extra, extraBytes, i);
  const columns: BatchColumns = { pointCount: n, seriesCount: s, extraLength: e, series, timeMs, startMs, values, flags, extraOffset, extra, seriesHashes };
  return { columns, seriesRefs };
}

function corrupt(message: string): CairnError {
  return new CairnError(ErrorCodes.WAL_CORRUPT, message);
}

/** Points in a compact sample record, read from its header alone. */
export function samplePointCount(payload: Uint8Array): number {
  const r = new ByteReader(payload);
  if (r.u8() !== SAMPLE_RECORD_VERSION) throw corrupt('sample record version');
  return r.varint();
}
