// Typed references for the two numbers of a WAL position: a segment number and a byte offset
// are both plain integers at runtime, and swapping them compiles silently without the brand.

declare const segmentBrand: unique symbol;
declare const offsetBrand: unique symbol;

/** Number of a segment file (`00000001.wal` is 1). Starts at 1 and only grows. */
export type SegmentNumber = number & { readonly [segmentBrand]: true };
/** Byte offset inside one segment file, counted from the start of the file (header included). */
export type SegmentOffset = number & { readonly [offsetBrand]: true };

/** A place in the WAL: the start of a record, or the place just after one. */
export interface WalPosition {
  readonly segment: SegmentNumber;
  readonly offset: SegmentOffset;
}

export function segmentNumber(n: number): SegmentNumber {
  if (!Number.isSafeInteger(n) || n < 1 || n > 0xffffffff) throw new RangeError(`WAL segment number must be an integer in [1, 2^32), got ${n}`);
  return n as SegmentNumber;
}

export function segmentOffset(n: number): SegmentOffset {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`WAL segment offset must be a non-negative integer, got ${n}`);
  return n as SegmentOffset;
}

export function walPosition(segment: number, offset: number): WalPosition {
  return { segment: segmentNumber(segment), offset: segmentOffset(offset) };
}

/** Negative if `a` comes before `b`, 0 if equal, positive after. */
export function comparePositions(a: WalPosition, b: WalPosition): number {
  return a.segment !== b.segment ? a.segment - b.segment : a.offset - b.offset;
}

export function formatPosition(p: WalPosition): string {
  return `${p.segment}:${p.offset}`;
}
