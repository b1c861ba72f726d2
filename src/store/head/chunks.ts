import { f64, HI, LO, putBits, putRaw, words } from './bits.js';
import { HEADER_BITS, mantissaAt, MAX_SAMPLE_BITS, NO_SCALE, scaleOf, TIME_BITS, VALUE_BITS } from './chunk-format.js';
import { NO_REGION, SlabAllocator } from './slab.js';


/** A chunk taken out of the per-series state: its region and what it holds. */
export interface ClosedChunk {
  readonly region: number;
  readonly bits: number;
  readonly count: number;
  readonly minT: number;
  readonly maxT: number;
}

/**
 * The head's open chunks, one per float series, compressed as samples arrive
 * (docs/format/head-chunk.md): times by delta-of-delta, values as decimal mantissa deltas
 * where they are short decimals (most metrics are), raw float bits otherwise. All state is
 * in typed arrays indexed by series ref and the bytes live in slabs: no object per series or
 * sample, so appending touches a few cache lines.
 */
export class HeadChunks {
  readonly slab = new SlabAllocator();
  region: Int32Array = new Int32Array(0);
  bits: Int32Array = new Int32Array(0);
  count: Int32Array = new Int32Array(0);
  firstT: Float64Array = new Float64Array(0);
  /** Newest time and value appended to the series (open chunk or not). */
  lastT: Float64Array = new Float64Array(0);
  lastV: Float64Array = new Float64Array(0);
  #lastWords: Uint32Array = new Uint32Array(0);
  #prevDelta: Float64Array = new Float64Array(0);
  /** Mantissa of the newest value exact at the chunk's scale (NaN: none). */
  #prevM: Float64Array = new Float64Array(0);
  #scale: Int8Array = new Int8Array(0);
  /** Values in a row with no decimal scale at all. */
  #misses: Uint8Array = new Uint8Array(0);

  get capacity(): number {
    return this.region.length;
  }

  /** Makes room for refs below `n`; new lastT entries are NaN (never seen). */
  grow(n: number): void {
    let size = Math.max(1024, this.region.length * 2);
    while (size < n) size *= 2;
    const i32 = (a: Int32Array, fill: number): Int32Array => {
      const b = new Int32Array(size).fill(fill);
      b.set(a);
      return b;
    };
    const f64s = (a: Float64Array, fill: number): Float64Array => {
      const b = new Float64Array(size).fill(fill);
      b.set(a);
      return b;
    };
    this.region = i32(this.region, NO_REGION);
    this.bits = i32(this.bits, 0);
    this.count = i32(this.count, 0);
    this.firstT = f64s(this.firstT, 0);
    this.lastT = f64s(this.lastT, NaN);
    this.lastV = f64s(this.lastV, 0);
    this.#lastWords = new Uint32Array(this.lastV.buffer);
    this.#prevDelta = f64s(this.#prevDelta, 0);
    this.#prevM = f64s(this.#prevM, NaN);
    const scale = new Int8Array(size);
    scale.set(this.#scale);
    this.#scale = scale;
    const misses = new Uint8Array(size);
    misses.set(this.#misses);
    this.#misses = misses;
  }

  /** Starts a chunk for `ref` with its first sample; `capacityBytes` sizes the first region. */
  open(ref: number, t: number, v: number, capacityBytes: number): void {
    const region = this.slab.alloc(Math.max(capacityBytes, 64));
    this.slab.view(region).fill(0);
    const buf = this.slab.slab(region);
    const base = this.slab.offset(region);
    f64[0] = t;
    putBits(buf, base, 0, words[HI]!, 32);
    putBits(buf, base, 32, words[LO]!, 32);
    f64[0] = v;
    putBits(buf, base, 64, words[HI]!, 32);
    putBits(buf, base, 96, words[LO]!, 32);
    const scale = scaleOf(v);
    putBits(buf, base, 128, scale, 3);
    this.region[ref] = region;
    this.bits[ref] = HEADER_BITS;
    this.count[ref] = 1;
    this.firstT[ref] = t;
    this.lastT[ref] = t;
    this.lastV[ref] = v;
    this.#prevDelta[ref] = 0;
    this.#scale[ref] = scale;
    this.#prevM[ref] = mantissaAt(v, scale);
    this.#misses[ref] = 0;
  }

  /**
   * Appends a sample newer than the chunk's last one. False when the chunk is at its largest
   * region and full: the caller cuts it and opens another.
   */
  append(ref: number, t: number, v: number): boolean {
    let region = this.region[ref]!;
    let pos = this.bits[ref]!;
    if (pos + MAX_SAMPLE_BITS > this.slab.size(region) * 8) {
      if (this.slab.size(region) >= SlabAllocator.MAX_BYTES) return false;
      region = this.#regrow(ref, region, pos);
    }
    const buf = this.slab.slab(region);
    const base = this.slab.offset(region);
    // Time: delta of delta.
    const delta = t - this.lastT[ref]!;
    const dod = delta - this.#prevDelta[ref]!;
    if (dod === 0) pos++;
    else if (dod >= -128 && dod < 128) {
      putBits(buf, base, pos, 0b10, 2);
      putBits(buf, base, pos + 2, dod, 8);
      pos += 10;
    } else if (dod >= -8192 && dod < 8192) {
      putBits(buf, base, pos, 0b110, 3);
      putBits(buf, base, pos + 3, dod, TIME_BITS[2]);
      pos += 17;
    } else if (dod >= -8388608 && dod < 8388608) {
      putBits(buf, base, pos, 0b1110, 4);
      putBits(buf, base, pos + 4, dod, TIME_BITS[3]);
      pos += 28;
    } else {
      putBits(buf, base, pos, 0b1111, 4);
      pos = putRaw(buf, base, pos + 4, t);
    }
    this.#prevDelta[ref] = delta;
    this.lastT[ref] = t;
    // Value: the same bits, a mantissa delta, a new scale, or raw.
    f64[0] = v;
    const hi = words[HI]!;
    const lo = words[LO]!;
    const lw = this.#lastWords;
    if (hi === lw[2 * ref + HI] && lo === lw[2 * ref + LO]) pos++;
    else pos = this.#value(ref, v, buf, base, pos);
    this.lastV[ref] = v;
    this.bits[ref] = pos;
    this.count[ref]!++;
    return true;
  }

  #value(ref: number, v: number, buf: Uint8Array, base: number, pos: number): number {
    const scale = this.#scale[ref]!;
    const m = mantissaAt(v, scale);
    const prev = this.#prevM[ref]!;
    if (m === m && prev === prev) {
      const d = m - prev;
      for (let k = 1; k < VALUE_BITS.length; k++) {
        const w = VALUE_BITS[k]!;
        const half = 2 ** (w - 1);
        if (d >= -half && d < half) {
          putBits(buf, base, pos, (1 << (k + 1)) - 2, k + 1); // k ones, then a zero
          putBits(buf, base, pos + k + 1, d, w);
          this.#prevM[ref] = m;
          return pos + k + 1 + w;
        }
      }
    }
    // Looking for a decimal scale costs up to seven divisions: a series whose values keep
    // having none (plain floats) only looks again every 16th sample.
    const misses = this.#misses[ref]!;
    const better = misses < 4 || (this.count[ref]! & 15) === 0 ? scaleOf(v) : NO_SCALE;
    this.#misses[ref] = better === NO_SCALE ? Math.min(255, misses + 1) : 0;
    if (better < NO_SCALE && (scale === NO_SCALE || better > scale)) {
      putBits(buf, base, pos, 0b111111, 6);
      putBits(buf, base, pos + 6, better, 3);
      this.#scale[ref] = better;
      this.#prevM[ref] = mantissaAt(v, better);
      return putRaw(buf, base, pos + 9, v);
    }
    putBits(buf, base, pos, 0b111110, 6);
    if (m === m) this.#prevM[ref] = m;
    return putRaw(buf, base, pos + 6, v);
  }

  /** Takes the chunk out of `ref`'s state (lastT/lastV stay); the caller frees its region later. */
  close(ref: number): ClosedChunk {
    const closed = { region: this.region[ref]!, bits: this.bits[ref]!, count: this.count[ref]!, minT: this.firstT[ref]!, maxT: this.lastT[ref]! };
    this.region[ref] = NO_REGION;
    this.count[ref] = 0;
    this.bits[ref] = 0;
    return closed;
  }

  /** The chunk's bytes (a view into the slab, valid while the region is held). */
  bytes(region: number, bits: number): Uint8Array {
    return this.slab.view(region, Math.ceil(bits / 8));
  }

  #regrow(ref: number, region: number, bits: number): number {
    const bigger = this.slab.alloc(this.slab.size(region) * 2);
    const view = this.slab.view(bigger);
    view.fill(0);
    view.set(this.slab.view(region, Math.ceil(bits / 8)));
    this.slab.free(region);
    this.region[ref] = bigger;
    return bigger;
  }
}

