/**
 * Fixed-size regions of one SharedArrayBuffer: where the main thread puts request bodies for a
 * worker and where that worker writes its replies. Nothing is transferred or allocated per
 * request: every transferred ArrayBuffer counts as new external memory on the receiving
 * thread, and that pressure set off most of the main thread's full GCs (measured: one every
 * ~300 ms at 500 k points/s). Only the main thread hands regions out and takes them back.
 */
export class SharedRegions {
  readonly buffer: SharedArrayBuffer;
  readonly regionBytes: number;
  readonly #free: number[];

  constructor(count: number, regionBytes: number, buffer?: SharedArrayBuffer) {
    if (regionBytes % 8 !== 0) throw new RangeError(`region size must be a multiple of 8, got ${regionBytes}`);
    this.regionBytes = regionBytes;
    this.buffer = buffer ?? new SharedArrayBuffer(count * regionBytes);
    this.#free = Array.from({ length: count }, (_, i) => count - 1 - i);
  }

  /** A free region, or -1 when all are in use (the caller falls back to a transferred buffer). */
  take(): number {
    return this.#free.pop() ?? -1;
  }

  release(region: number): void {
    if (region >= 0) this.#free.push(region);
  }

  /** Byte offset of a region in the buffer (a multiple of 8). */
  base(region: number): number {
    return region * this.regionBytes;
  }

  view(region: number, length = this.regionBytes): Uint8Array {
    return new Uint8Array(this.buffer, this.base(region), length);
  }
}
