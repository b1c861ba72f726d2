import { decodeChunk } from './chunk-decode.js';
import { HeadChunks } from './chunks.js';
import { CutPage } from './cut-page.js';
import { NO_REGION } from './slab.js';
import { concatSamples } from './concat.js';

export interface HeadOptions {
  readonly pagePoints: number;
  readonly pageMaxAgeMs: number;
  /** Newest timestamp already in flushed pages for a series (so replay does not duplicate). */
  readonly flushedMaxT: (ref: number) => number;
}

/** One series' part of a checkpoint (see Head.snapshot). */
export interface HeadSnapshotEntry {
  readonly ref: number;
  readonly state: 'open' | 'cut';
  readonly segment: number;
  readonly openedAt: number;
  readonly count: number;
  readonly bits: number;
  readonly chunk: Uint8Array;
}

/** `written`: already in a datafile page (a WAL replay after pages were written); not an error. */
export type AppendResult = 'ok' | 'out_of_order' | 'duplicate' | 'written';

/**
 * The in-memory head: one open page per series, held compressed (chunks.ts). A page is cut
 * when it holds `pagePoints` samples, when it has been open longer than `pageMaxAgeMs`, or when
 * a sample would make it span more than `pageMaxAgeMs` of data time; cut pages wait (still
 * queryable) until the store has written them. Samples older than the newest one of their
 * series are refused, as in Prometheus; a repeat of the newest timestamp with the same value
 * is ignored.
 */
export class Head {
  readonly #o: HeadOptions;
  readonly chunks = new HeadChunks();
  /** Per ref: wall-clock ms the open page got its first sample, and the oldest WAL segment in it. */
  #openedAt: Float64Array = new Float64Array(0);
  #segment: Int32Array = new Int32Array(0);
  /** Newest timestamp already in written pages when the series was first seen (replay skips up to it). */
  #floor: Float64Array = new Float64Array(0);
  /** Bytes of each series' last cut chunk, to size the next one. */
  #lastBytes: Int32Array = new Int32Array(0);
  #cut: CutPage[] = [];
  /** Pages handed over and not yet written: still served to queries and still pinning the WAL. */
  #pending: CutPage[] = [];
  #samples = 0;

  constructor(options: HeadOptions) {
    this.#o = options;
  }

  /** Samples in open pages. */
  get samples(): number {
    return this.#samples;
  }

  /** Bytes the head's chunks take (slabs reserved). */
  get bytes(): number {
    return this.chunks.slab.reservedBytes;
  }

  /** Bytes of the open pages' chunks as written so far (what the samples cost, without slack). */
  get chunkBytes(): number {
    let bytes = 0;
    const c = this.chunks;
    for (let ref = 0; ref < c.capacity; ref++) if (c.region[ref] !== NO_REGION) bytes += Math.ceil(c.bits[ref]! / 8);
    return bytes;
  }

  /** Appends flattened samples in order; returns how many were refused, by reason. */
  appendColumns(refs: Uint32Array, times: Float64Array, values: Float64Array, length: number, segment: number, now: number): { outOfOrder: number; duplicate: number } {
    let outOfOrder = 0;
    let duplicate = 0;
    let inline = 0;
    let maxRef = -1;
    for (let i = 0; i < length; i++) if (refs[i]! > maxRef) maxRef = refs[i]!;
    if (maxRef >= this.chunks.capacity) this.#growRefs(maxRef + 1);
    const c = this.chunks;
    const region = c.region;
    const count = c.count;
    const lastT = c.lastT;
    const firstT = c.firstT;
    const seg = this.#segment;
    const maxSpan = this.#o.pageMaxAgeMs;
    const maxPoints = this.#o.pagePoints - 1;
    // The common case inline: a newer sample into an open page with room. The rest goes through append().
    for (let i = 0; i < length; i++) {
      const ref = refs[i]!;
      const t = times[i]!;
      if (region[ref] !== NO_REGION && t > lastT[ref]! && count[ref]! < maxPoints && t - firstT[ref]! < maxSpan && c.append(ref, t, values[i]!)) {
        if (segment < seg[ref]!) seg[ref] = segment;
        inline++;
        continue;
      }
      const r = this.append(ref, t, values[i]!, segment, now);
      if (r === 'out_of_order') outOfOrder++;
      else if (r === 'duplicate') duplicate++;
    }
    this.#samples += inline;
    return { outOfOrder, duplicate };
  }

  append(ref: number, t: number, v: number, segment: number, now: number): AppendResult {
    const c = this.chunks;
    if (ref >= c.capacity) this.#growRefs(ref + 1);
    let last = c.lastT[ref]!;
    // NaN marks a series not seen since start: ask the page table what is already written.
    if (Number.isNaN(last)) last = c.lastT[ref] = this.#floor[ref] = this.#o.flushedMaxT(ref);
    if (t <= this.#floor[ref]!) return 'written';
    if (t < last) return 'out_of_order';
    if (t === last) return Object.is(c.lastV[ref], v) || (Number.isNaN(v) && Number.isNaN(c.lastV[ref]!)) ? 'ok' : 'duplicate';
    // A page also spans at most pageMaxAge of data time, so backfilled or fast-arriving
    // history is cut into pages of the same shape as live data.
    if (c.region[ref] !== NO_REGION && (t - c.firstT[ref]! >= this.#o.pageMaxAgeMs || !c.append(ref, t, v))) this.#cutPage(ref);
    else if (c.region[ref] !== NO_REGION) {
      this.#samples++;
      if (segment < this.#segment[ref]!) this.#segment[ref] = segment;
      if (c.count[ref]! >= this.#o.pagePoints) this.#cutPage(ref);
      return 'ok';
    }
    // A new page, sized like the last one of this series so a steady series grows it rarely.
    c.open(ref, t, v, this.#lastBytes[ref]!);
    this.#openedAt[ref] = now;
    this.#segment[ref] = segment;
    this.#samples++;
    if (this.#o.pagePoints <= 1) this.#cutPage(ref);
    return 'ok';
  }

  /** Cuts pages open longer than the maximum age (or all of them with `all`). */
  cutOld(now: number, all = false): void {
    const minOpened = now - this.#o.pageMaxAgeMs;
    const region = this.chunks.region;
    for (let ref = 0; ref < region.length; ref++) {
      if (region[ref] !== NO_REGION && (all || this.#openedAt[ref]! <= minOpened)) this.#cutPage(ref);
    }
  }

  /** Cuts the open pages holding samples from WAL segments before `segment`; returns how many. */
  cutBefore(segment: number): number {
    let n = 0;
    const region = this.chunks.region;
    for (let ref = 0; ref < region.length; ref++) {
      if (region[ref] !== NO_REGION && this.#segment[ref]! < segment) {
        this.#cutPage(ref);
        n++;
      }
    }
    return n;
  }

  /** Hands over the cut pages; the caller must `release` them once written. */
  takeCut(): CutPage[] {
    const out = this.#cut;
    this.#cut = [];
    this.#pending.push(...out);
    return out;
  }

  release(pages: readonly CutPage[]): void {
    const done = new Set(pages);
    this.#pending = this.#pending.filter((p) => !done.has(p));
    for (const p of pages) this.chunks.slab.free(p.region);
  }

  /** Puts pages back that could not be written (disk full): they are retried later. */
  requeue(pages: readonly CutPage[]): void {
    const back = new Set(pages);
    this.#pending = this.#pending.filter((p) => !back.has(p));
    // In front: they are older than anything cut while they were being written.
    this.#cut.unshift(...pages);
  }

  /**
   * Samples of `ref` in [minT, maxT] held by the head, oldest first (cut-but-unwritten pages,
   * then the open page). Typed arrays throughout: a NaN pushed into a plain array may lose its
   * payload bits, and the stale marker is a NaN payload.
   */
  read(ref: number, minT: number, maxT: number): { timestamps: Float64Array; values: Float64Array } {
    const parts: { timestamps: Float64Array; values: Float64Array }[] = [];
    const take = (ts: Float64Array, vs: Float64Array, n: number): void => {
      let from = 0;
      while (from < n && ts[from]! < minT) from++;
      let to = from;
      while (to < n && ts[to]! <= maxT) to++;
      if (to > from) parts.push({ timestamps: ts.subarray(from, to), values: vs.subarray(from, to) });
    };
    for (const p of this.#pending) if (p.ref === ref && p.maxT >= minT && p.minT <= maxT) take(p.timestamps, p.values, p.count);
    for (const p of this.#cut) if (p.ref === ref && p.maxT >= minT && p.minT <= maxT) take(p.timestamps, p.values, p.count);
    const c = this.chunks;
    const region = ref < c.capacity ? c.region[ref]! : NO_REGION;
    if (region !== NO_REGION && c.lastT[ref]! >= minT && c.firstT[ref]! <= maxT) {
      const n = c.count[ref]!;
      const ts = new Float64Array(n);
      const vs = new Float64Array(n);
      decodeChunk(c.slab.slab(region), c.slab.offset(region), c.bits[ref]!, n, ts, vs);
      take(ts, vs, n);
    }
    return concatSamples(parts);
  }

  /** The oldest WAL segment whose samples are not all in written pages, or Infinity. */
  oldestSegment(): number {
    let oldest = Infinity;
    const region = this.chunks.region;
    for (let ref = 0; ref < region.length; ref++) if (region[ref] !== NO_REGION && this.#segment[ref]! < oldest) oldest = this.#segment[ref]!;
    for (const p of this.#pending) if (p.segment < oldest) oldest = p.segment;
    for (const p of this.#cut) if (p.segment < oldest) oldest = p.segment;
    return oldest;
  }

  /** Whether `ref` has any sample in the head within [minT, maxT]. */
  has(ref: number, minT: number, maxT: number): boolean {
    const c = this.chunks;
    if (ref < c.capacity && c.region[ref] !== NO_REGION && c.lastT[ref]! >= minT && c.firstT[ref]! <= maxT) return this.read(ref, minT, maxT).timestamps.length > 0;
    for (const p of this.#pending) if (p.ref === ref && p.maxT >= minT && p.minT <= maxT) return this.read(ref, minT, maxT).timestamps.length > 0;
    for (const p of this.#cut) if (p.ref === ref && p.maxT >= minT && p.minT <= maxT) return this.read(ref, minT, maxT).timestamps.length > 0;
    return false;
  }

  /**
   * A copy of everything the head holds that is not in written pages: each open page and each
   * cut page not yet written, as compressed chunk bytes (copied: the head goes on appending
   * while a checkpoint is encoded and written).
   */
  snapshot(): HeadSnapshotEntry[] {
    const out: HeadSnapshotEntry[] = [];
    const c = this.chunks;
    for (const p of [...this.#pending, ...this.#cut]) out.push({ ref: p.ref, state: 'cut', segment: p.segment, openedAt: 0, count: p.count, bits: p.bits, chunk: p.chunk.slice() });
    for (let ref = 0; ref < c.capacity; ref++) {
      const region = c.region[ref]!;
      if (region === NO_REGION) continue;
      const bits = c.bits[ref]!;
      out.push({ ref, state: 'open', segment: this.#segment[ref]!, openedAt: this.#openedAt[ref]!, count: c.count[ref]!, bits, chunk: c.bytes(region, bits).slice() });
    }
    return out;
  }

  /**
   * Puts back what a checkpoint held, before the WAL after it is replayed: samples already in
   * written pages (a page written after the checkpoint) are skipped.
   */
  restore(ref: number, state: 'open' | 'cut', segment: number, openedAt: number, timestamps: Float64Array, values: Float64Array, count: number): number {
    const c = this.chunks;
    if (ref >= c.capacity) this.#growRefs(ref + 1);
    const written = this.#o.flushedMaxT(ref);
    let from = 0;
    while (from < count && timestamps[from]! <= written) from++;
    if (from === count || c.region[ref] !== NO_REGION) return 0;
    this.#floor[ref] = written;
    c.open(ref, timestamps[from]!, values[from]!, 64);
    for (let i = from + 1; i < count; i++) {
      if (!c.append(ref, timestamps[i]!, values[i]!)) {
        this.#cutPage(ref);
        c.open(ref, timestamps[i]!, values[i]!, 64);
      }
    }
    this.#openedAt[ref] = openedAt;
    this.#segment[ref] = segment;
    this.#samples += count - from;
    if (state === 'cut') this.#cutPage(ref);
    return count - from;
  }

  #growRefs(min: number): void {
    this.chunks.grow(min);
    const n = this.chunks.capacity;
    const f64 = (a: Float64Array, fill: number): Float64Array => {
      const b = new Float64Array(n).fill(fill);
      b.set(a);
      return b;
    };
    const i32 = (a: Int32Array): Int32Array => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    this.#openedAt = f64(this.#openedAt, 0);
    this.#floor = f64(this.#floor, -Infinity);
    this.#segment = i32(this.#segment);
    this.#lastBytes = i32(this.#lastBytes);
  }

  #cutPage(ref: number): void {
    const closed = this.chunks.close(ref);
    this.#lastBytes[ref] = Math.ceil(closed.bits / 8) + 8;
    this.#samples -= closed.count;
    this.#cut.push(new CutPage(this.chunks.slab, ref, closed, this.#segment[ref]!));
  }
}
