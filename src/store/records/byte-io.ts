import { CairnError, ErrorCodes } from '../../errors/index.js';

/**
 * Little-endian bytes with LEB128 varints of up to 53 bits (exact doubles), for the WAL's
 * compact records. The writer grows by doubling and is reused from record to record.
 */
export class ByteWriter {
  buf: Uint8Array;
  pos = 0;

  constructor(initialBytes = 64 * 1024) {
    this.buf = new Uint8Array(initialBytes);
  }

  reset(): void {
    this.pos = 0;
  }

  ensure(more: number): void {
    if (this.pos + more <= this.buf.length) return;
    let n = this.buf.length * 2;
    while (n < this.pos + more) n *= 2;
    const bigger = new Uint8Array(n);
    bigger.set(this.buf.subarray(0, this.pos));
    this.buf = bigger;
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  /** An unsigned integer below 2^53. */
  varint(v: number): void {
    this.ensure(8);
    const buf = this.buf;
    let pos = this.pos;
    while (v >= 0x80000000) {
      buf[pos++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    while (v >= 0x80) {
      buf[pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[pos++] = v;
    this.pos = pos;
  }

  /** A signed integer of magnitude below 2^52, zigzag-coded. */
  zigzag(v: number): void {
    this.varint(v < 0 ? -2 * v - 1 : 2 * v);
  }

  /** Eight bytes copied from `from[at..at+8)` (a float's exact bits, NaN payloads included). */
  raw8(from: Uint8Array, at: number): void {
    this.ensure(8);
    this.buf.set(from.subarray(at, at + 8), this.pos);
    this.pos += 8;
  }

  u32(v: number): void {
    this.ensure(4);
    const b = this.buf;
    b[this.pos] = v;
    b[this.pos + 1] = v >>> 8;
    b[this.pos + 2] = v >>> 16;
    b[this.pos + 3] = v >>> 24;
    this.pos += 4;
  }

  bytes(src: Uint8Array): void {
    this.ensure(src.length);
    this.buf.set(src, this.pos);
    this.pos += src.length;
  }
}

/** Reads what ByteWriter wrote; every read past `end` throws a WAL_CORRUPT CairnError. */
export class ByteReader {
  readonly buf: Uint8Array;
  pos: number;
  end: number;

  constructor(buf: Uint8Array, start = 0, end = buf.length) {
    this.buf = buf;
    this.pos = start;
    this.end = end;
  }

  u8(): number {
    if (this.pos >= this.end) throw truncated();
    return this.buf[this.pos++]!;
  }

  varint(): number {
    const buf = this.buf;
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      if (this.pos >= this.end) throw truncated();
      const b = buf[this.pos++]!;
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 128;
    }
    throw new CairnError(ErrorCodes.WAL_CORRUPT, 'varint longer than 8 bytes in a WAL record');
  }

  zigzag(): number {
    const n = this.varint();
    return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  }

  /** Copies eight bytes into `to[at..at+8)`. */
  raw8(to: Uint8Array, at: number): void {
    if (this.pos + 8 > this.end) throw truncated();
    to.set(this.buf.subarray(this.pos, this.pos + 8), at);
    this.pos += 8;
  }

  u32(): number {
    if (this.pos + 4 > this.end) throw truncated();
    const b = this.buf;
    const v = (b[this.pos]! | (b[this.pos + 1]! << 8) | (b[this.pos + 2]! << 16) | (b[this.pos + 3]! << 24)) >>> 0;
    this.pos += 4;
    return v;
  }

  /** A sub-reader over the next `n` bytes; this reader moves past them. */
  take(n: number): ByteReader {
    if (this.pos + n > this.end) throw truncated();
    const r = new ByteReader(this.buf, this.pos, this.pos + n);
    this.pos += n;
    return r;
  }
}

function truncated(): CairnError {
  return new CairnError(ErrorCodes.WAL_CORRUPT, 'WAL record ends before its fields do');
}
