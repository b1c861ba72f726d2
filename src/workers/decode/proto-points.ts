import type { BatchBuilder } from '../../model/index.js';
import { hashBytes, hashOut, PointFlag } from '../../model/index.js';
import { ProtoReader, readTag, Wire } from './proto-reader.js';

// Field numbers by kind code (gauge, sum, histogram, exponential histogram, summary).
const ATTRIBUTES = [7, 7, 9, 1, 7];
const FLAGS = [8, 8, 10, 10, 8];
const EXEMPLARS = [5, 5, 8, 11, -1];
const MESSAGE = ['NumberDataPoint', 'NumberDataPoint', 'HistogramDataPoint', 'ExponentialHistogramDataPoint', 'SummaryDataPoint'];

/** A growable scratch list of doubles, reused from point to point. */
class Scratch {
  a = new Float64Array(64);
  n = 0;
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = new Float64Array(this.n * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
}

/**
 * Reads one data point of any kind into scratch fields, hashing its raw attribute bytes
 * on the way; `problem()` then says whether it is valid and `emit()` writes it to a batch.
 */
export class PointReader {
  #r = new ProtoReader(new Uint8Array(0));
  exemplars = 0;
  attrHashHi = 0;
  attrHashLo = 0;
  #kind = 0;
  #start = 0;
  #time = 0;
  #hasTime = false;
  #value = NaN;
  #hasValue = false;
  #intFlag = false;
  #flags = 0;
  #count = 0;
  #sum = NaN;
  #min = NaN;
  #max = NaN;
  #scale = 0;
  #zeroCount = 0;
  #zeroThreshold = 0;
  #posOffset = 0;
  #negOffset = 0;
  readonly #bounds = new Scratch();
  readonly #counts = new Scratch();
  readonly #neg = new Scratch();
  readonly #quantiles = new Scratch();

  reset(r: ProtoReader): void {
    this.#r = r;
    this.exemplars = 0;
  }

  read(kind: number, start: number, end: number, seedHi: number, seedLo: number): void {
    const r = this.#r;
    this.#kind = kind;
    this.#start = this.#time = this.#flags = this.#count = this.#scale = this.#zeroCount = this.#zeroThreshold = 0;
    this.#hasTime = false;
    this.#posOffset = this.#negOffset = 0;
    this.#value = this.#min = this.#max = NaN;
    // Histogram sums are `optional` (absent means unknown); a summary's is plain proto3 (absent means 0).
    this.#sum = kind === 4 ? 0 : NaN;
    this.#hasValue = this.#intFlag = false;
    this.#bounds.n = this.#counts.n = this.#neg.n = this.#quantiles.n = 0;
    // Attributes are hashed as one byte range when contiguous (the usual encoding), chained
    // range by range when other fields sit between them.
    let hi = seedHi;
    let lo = seedLo;
    let a0 = -1;
    let a1 = -1;
    const attrField = ATTRIBUTES[kind]!;
    const flagsField = FLAGS[kind]!;
    const exemplarField = EXEMPLARS[kind]!;
    const msg = MESSAGE[kind]!;
    r.pos = start;
    while (r.pos < end) {
      const tagAt = r.pos;
      const tag = readTag(r, end);
      const field = tag >>> 3;
      const wt = tag & 7;
      if (field === attrField) {
        r.expect(wt, Wire.LEN, msg, 'attributes');
        const stop = r.lenEnd(end);
        if (tagAt !== a1 && a0 >= 0) {
          hashBytes(r.buf, a0, a1, hi, lo);
          hi = hashOut.hi;
          lo = hashOut.lo;
          a0 = tagAt;
        } else if (a0 < 0) a0 = tagAt;
        a1 = stop;
        r.pos = stop;
      } else if (field === 3) {
        r.expect(wt, Wire.I64, msg, 'time_unix_nano');
        // 0 means unset; 1-999,999 ns is a real (if odd) time: 0 ms.
        this.#hasTime = r.pos + 8 <= end && (r.view.getUint32(r.pos, true) !== 0 || r.view.getUint32(r.pos + 4, true) !== 0);
        this.#time = r.nanosToMillis(end);
      } else if (field === 2) {
        r.expect(wt, Wire.I64, msg, 'start_time_unix_nano');
        this.#start = r.nanosToMillis(end);
      } else if (field === flagsField) {
        r.expect(wt, Wire.VARINT, msg, 'flags');
        this.#flags = r.uint32(end);
      } else if (field === exemplarField) {
        r.expect(wt, Wire.LEN, msg, 'exemplars');
        r.pos = r.lenEnd(end);
        this.exemplars++;
      } else if (kind <= 1) this.#numberField(field, wt, end, msg);
      else if (kind === 2) this.#histogramField(field, wt, end, msg);
      else if (kind === 3) this.#expHistogramField(field, wt, end, msg);
      else this.#summaryField(field, wt, end, msg);
    }
    if (a0 >= 0) {
      hashBytes(r.buf, a0, a1, hi, lo);
      hi = hashOut.hi;
      lo = hashOut.lo;
    }
    this.attrHashHi = hi;
    this.attrHashLo = lo;
  }

  #numberField(field: number, wt: number, end: number, msg: string): void {
    const r = this.#r;
    if (field === 4) {
      r.expect(wt, Wire.I64, msg, 'as_double');
      const v = r.double(end);
      // Any NaN sent as a value is a plain NaN: only NO_RECORDED_VALUE makes a stale marker
      // (a value with the marker's bits would otherwise end its series in queries).
      this.#value = v === v ? v : NaN;
      this.#hasValue = true;
      this.#intFlag = false;
    } else if (field === 6) {
      r.expect(wt, Wire.I64, msg, 'as_int');
      this.#value = r.sfixed64(end);
      this.#hasValue = true;
      this.#intFlag = true;
    } else r.skip(wt, end, field);
  }

  #histogramField(field: number, wt: number, end: number, msg: string): void {
    const r = this.#r;
    switch (field) {
      case 4: r.expect(wt, Wire.I64, msg, 'count'); this.#count = r.fixed64(end); this.#hasValue = true; return;
      case 5: r.expect(wt, Wire.I64, msg, 'sum'); this.#sum = r.double(end); return;
      case 11: r.expect(wt, Wire.I64, msg, 'min'); this.#min = r.double(end); return;
      case 12: r.expect(wt, Wire.I64, msg, 'max'); this.#max = r.double(end); return;
      case 6: this.#repeatedFixed(wt, end, this.#counts, false, msg, 'bucket_counts'); return;
      case 7: this.#repeatedFixed(wt, end, this.#bounds, true, msg, 'explicit_bounds'); return;
      default: r.skip(wt, end, field);
    }
  }

  #expHistogramField(field: number, wt: number, end: number, msg: string): void {
    const r = this.#r;
    switch (field) {
      case 4: r.expect(wt, Wire.I64, msg, 'count'); this.#count = r.fixed64(end); this.#hasValue = true; return;
      case 5: r.expect(wt, Wire.I64, msg, 'sum'); this.#sum = r.double(end); return;
      case 12: r.expect(wt, Wire.I64, msg, 'min'); this.#min = r.double(end); return;
      case 13: r.expect(wt, Wire.I64, msg, 'max'); this.#max = r.double(end); return;
      case 6: r.expect(wt, Wire.VARINT, msg, 'scale'); this.#scale = r.sint32(end); return;
      case 7: r.expect(wt, Wire.I64, msg, 'zero_count'); this.#zeroCount = r.fixed64(end); return;
      case 14: r.expect(wt, Wire.I64, msg, 'zero_threshold'); this.#zeroThreshold = r.double(end); return;
      case 8:
      case 9: {
        r.expect(wt, Wire.LEN, msg, field === 8 ? 'positive' : 'negative');
        const stop = r.lenEnd(end);
        const into = field === 8 ? this.#counts : this.#neg;
        into.n = 0;
        let offset = 0;
        while (r.pos < stop) {
          const tag = readTag(r, stop);
          if (tag >>> 3 === 1) {
            r.expect(tag & 7, Wire.VARINT, 'Buckets', 'offset');
            offset = r.sint32(stop);
          } else if (tag >>> 3 === 2) {
            if ((tag & 7) === Wire.LEN) {
              const listEnd = r.lenEnd(stop);
              while (r.pos < listEnd) into.push(r.uint64(listEnd));
            } else {
              r.expect(tag & 7, Wire.VARINT, 'Buckets', 'bucket_counts');
              into.push(r.uint64(stop));
            }
          } else r.skip(tag & 7, stop, tag >>> 3);
        }
        if (field === 8) this.#posOffset = offset;
        else this.#negOffset = offset;
        return;
      }
      default: r.skip(wt, end, field);
    }
  }

  #summaryField(field: number, wt: number, end: number, msg: string): void {
    const r = this.#r;
    if (field === 4) {
      r.expect(wt, Wire.I64, msg, 'count');
      this.#count = r.fixed64(end);
      this.#hasValue = true;
    } else if (field === 5) {
      r.expect(wt, Wire.I64, msg, 'sum');
      this.#sum = r.double(end);
    } else if (field === 6) {
      r.expect(wt, Wire.LEN, msg, 'quantile_values');
      const stop = r.lenEnd(end);
      let q = 0;
      let v = 0;
      while (r.pos < stop) {
        const tag = readTag(r, stop);
        if (tag >>> 3 === 1 || tag >>> 3 === 2) {
          r.expect(tag & 7, Wire.I64, 'ValueAtQuantile', tag >>> 3 === 1 ? 'quantile' : 'value');
          if (tag >>> 3 === 1) q = r.double(stop);
          else v = r.double(stop);
        } else r.skip(tag & 7, stop, tag >>> 3);
      }
      this.#quantiles.push(q);
      this.#quantiles.push(v);
    } else r.skip(wt, end, field);
  }

  /** Packed (one LEN field) or unpacked (one I64 field per element) repeated fixed64/double. */
  #repeatedFixed(wt: number, end: number, into: Scratch, isDouble: boolean, msg: string, name: string): void {
    const r = this.#r;
    if (wt === Wire.LEN) {
      const stop = r.lenEnd(end);
      if ((stop - r.pos) % 8 !== 0) throw r.error(`${msg}.${name}: packed length is not a multiple of 8`);
      while (r.pos < stop) into.push(isDouble ? r.double(stop) : r.fixed64(stop));
    } else {
      r.expect(wt, Wire.I64, msg, name);
      into.push(isDouble ? r.double(end) : r.fixed64(end));
    }
  }

  /** Buckets (histograms: explicit bounds + 1; exponential: positive + negative) or quantiles of the point just read. */
  buckets(): number {
    if (this.#kind === 2) return Math.max(this.#counts.n, this.#bounds.n + 1);
    if (this.#kind === 3) return this.#counts.n + this.#neg.n;
    if (this.#kind === 4) return this.#quantiles.n / 2;
    return 0;
  }

  /** Series the point makes in the store: a histogram's buckets, sum and count; a summary's quantiles, sum and count. */
  storeSeries(): number {
    if (this.#kind === 2) return this.buckets() + 2;
    if (this.#kind === 3) return 2;
    if (this.#kind === 4) return this.buckets() + 2;
    return 1;
  }

  /** Why the point just read cannot be kept (`maxBuckets`: limits.max_buckets_per_point), or null. */
  problem(maxBuckets: number): string | null {
    if (!this.#hasTime) return 'data point has no time_unix_nano';
    if (this.#kind >= 2 && this.buckets() > maxBuckets) return `${this.#kind === 4 ? 'summary has' : 'histogram has'} ${this.buckets()} ${this.#kind === 4 ? 'quantiles' : 'buckets'}, more than limits.max_buckets_per_point (${maxBuckets})`;
    const noValue = (this.#flags & PointFlag.NO_RECORDED_VALUE) !== 0;
    if (noValue) return null;
    if (!this.#hasValue && this.#kind <= 1) return 'number data point has neither as_double nor as_int';
    if (this.#kind === 2) {
      const b = this.#bounds;
      if (this.#counts.n !== 0 && this.#counts.n !== b.n + 1) {
        return `histogram has ${this.#counts.n} bucket_counts for ${b.n} explicit_bounds (expected ${b.n + 1})`;
      }
      for (let i = 0; i < b.n; i++) {
        if (Number.isNaN(b.a[i]!) || (i > 0 && !(b.a[i]! > b.a[i - 1]!))) return 'histogram explicit_bounds are not strictly increasing';
      }
    }
    if (this.#kind === 4) {
      const q = this.#quantiles;
      for (let i = 0; i < q.n; i += 2) {
        if (!(q.a[i]! >= 0 && q.a[i]! <= 1)) return `summary quantile ${q.a[i]} is outside [0, 1]`;
      }
    }
    return null;
  }

  /** Writes the point just read to the batch under the given local series index. */
  emit(b: BatchBuilder, local: number): void {
    const noValue = (this.#flags & PointFlag.NO_RECORDED_VALUE) !== 0;
    const kind = this.#kind;
    if (noValue) {
      b.addPoint(local, this.#start, this.#time, NaN, PointFlag.NO_RECORDED_VALUE);
      return;
    }
    if (kind <= 1) {
      b.addPoint(local, this.#start, this.#time, this.#value, this.#intFlag ? PointFlag.INT : 0);
      return;
    }
    const offset = b.beginExtra();
    b.pushExtra(this.#count);
    b.pushExtra(this.#sum);
    if (kind === 4) {
      pushList(b, this.#quantiles, this.#quantiles.n / 2);
    } else {
      b.pushExtra(this.#min);
      b.pushExtra(this.#max);
      if (kind === 2) {
        // Bounds without counts say nothing; keep the layout's bounds = buckets - 1.
        b.pushExtra(this.#counts.n);
        if (this.#counts.n > 0) pushList(b, this.#bounds, -1);
        pushList(b, this.#counts, -1);
      } else {
        b.pushExtra(this.#scale);
        b.pushExtra(this.#zeroCount);
        b.pushExtra(this.#zeroThreshold);
        b.pushExtra(this.#posOffset);
        pushList(b, this.#counts, this.#counts.n);
        b.pushExtra(this.#negOffset);
        pushList(b, this.#neg, this.#neg.n);
      }
    }
    b.addPoint(local, this.#start, this.#time, this.#count, PointFlag.COMPOUND);
    b.setExtraOffset(b.pointCount - 1, offset);
  }
}

/** Pushes an optional length prefix (skipped when negative) and the list. */
function pushList(b: BatchBuilder, s: Scratch, prefix: number): void {
  if (prefix >= 0) b.pushExtra(prefix);
  for (let i = 0; i < s.n; i++) b.pushExtra(s.a[i]!);
}
