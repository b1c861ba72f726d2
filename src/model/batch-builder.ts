import type { Batch, BatchColumns } from './batch.js';

/** Grows columnar arrays by doubling; reused across requests by one decoder. */
export class BatchBuilder {
  pointCount = 0;
  seriesCount = 0;
  extraLength = 0;
  series = new Uint32Array(1024);
  timeMs = new Float64Array(1024);
  startMs = new Float64Array(1024);
  values = new Float64Array(1024);
  flags = new Uint8Array(1024);
  extraOffset = new Uint32Array(1024);
  extra = new Float64Array(256);
  seriesHashes = new Uint32Array(512);

  /** Forgets rows written since the last finish (a request that failed half-way). */
  reset(): void {
    this.pointCount = 0;
    this.seriesCount = 0;
    this.extraLength = 0;
  }

  addSeries(hashHi: number, hashLo: number): number {
    const i = this.seriesCount++;
    if (2 * i + 2 > this.seriesHashes.length) this.seriesHashes = grow(this.seriesHashes, 2 * i + 2);
    this.seriesHashes[2 * i] = hashHi;
    this.seriesHashes[2 * i + 1] = hashLo;
    return i;
  }

  addPoint(local: number, startMs: number, timeMs: number, value: number, flags: number): void {
    const i = this.pointCount++;
    if (i >= this.series.length) this.growPoints(i + 1);
    this.series[i] = local;
    this.startMs[i] = startMs;
    this.timeMs[i] = timeMs;
    this.values[i] = value;
    this.flags[i] = flags;
    this.extraOffset[i] = 0;
  }

  /** Starts a compound payload for the point added next; returns its offset. */
  beginExtra(): number {
    return this.extraLength;
  }

  pushExtra(v: number): void {
    if (this.extraLength >= this.extra.length) this.extra = grow(this.extra, this.extraLength + 1);
    this.extra[this.extraLength++] = v;
  }

  /** Drops a compound payload that turned out invalid. */
  rewindExtra(offset: number): void {
    this.extraLength = offset;
  }

  setExtraOffset(point: number, offset: number): void {
    this.extraOffset[point] = offset;
  }

  /** The rows written since the last reset, as views of the builder's own arrays (valid until it writes again). */
  view(): BatchColumns {
    return {
      pointCount: this.pointCount,
      series: this.series,
      timeMs: this.timeMs,
      startMs: this.startMs,
      values: this.values,
      flags: this.flags,
      extraOffset: this.extraOffset,
      extra: this.extra,
      extraLength: this.extraLength,
      seriesCount: this.seriesCount,
      seriesHashes: this.seriesHashes,
    };
  }

  /** Hands the arrays over (they may be transferred) and starts fresh ones. */
  finish(): Batch {
    const batch: Batch = { ...this.view(), definitions: [] };
    const pointCap = Math.max(1024, this.pointCount);
    this.series = new Uint32Array(pointCap);
    this.timeMs = new Float64Array(pointCap);
    this.startMs = new Float64Array(pointCap);
    this.values = new Float64Array(pointCap);
    this.flags = new Uint8Array(pointCap);
    this.extraOffset = new Uint32Array(pointCap);
    this.extra = new Float64Array(Math.max(256, this.extraLength));
    this.seriesHashes = new Uint32Array(Math.max(512, 2 * this.seriesCount));
    this.pointCount = 0;
    this.seriesCount = 0;
    this.extraLength = 0;
    return batch;
  }

  private growPoints(min: number): void {
    this.series = grow(this.series, min);
    this.timeMs = grow(this.timeMs, min);
    this.startMs = grow(this.startMs, min);
    this.values = grow(this.values, min);
    this.flags = grow(this.flags, min);
    this.extraOffset = grow(this.extraOffset, min);
  }
}

type Growable = Uint32Array | Float64Array | Uint8Array;
function grow<T extends Growable>(a: T, min: number): T {
  let n = a.length * 2;
  while (n < min) n *= 2;
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a as never);
  return b;
}
