import { DecodeError } from './decode-error.js';

/** Protobuf wire types. */
export const Wire = { VARINT: 0, I64: 1, LEN: 2, SGROUP: 3, EGROUP: 4, I32: 5 } as const;
const WIRE_NAMES = ['varint', 'fixed64', 'length-delimited', 'start-group', 'end-group', 'fixed32'];

/**
 * A cursor over protobuf bytes that checks every length against its enclosing message,
 * so truncated or lying input fails with a DecodeError instead of reading garbage.
 */
export class ProtoReader {
  readonly buf: Uint8Array;
  readonly view: DataView;
  pos = 0;

  constructor(buf: Uint8Array) {
    this.buf = buf;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  /** Reads a varint that must fit in 32 bits (tags, lengths, enums, flags). */
  uint32(end: number): number {
    const buf = this.buf;
    let pos = this.pos;
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (pos >= end) throw this.error('truncated varint');
      const b = buf[pos++]!;
      result |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = pos;
        return result >>> 0;
      }
    }
    // Negative int32 values are sign-extended to 10 bytes; keep the low 32 bits.
    for (let i = 0; i < 5; i++) {
      if (pos >= end) throw this.error('truncated varint');
      if (buf[pos++]! < 0x80) {
        this.pos = pos;
        return result >>> 0;
      }
    }
    throw this.error('varint longer than 10 bytes');
  }

  /** Reads a varint as a double (exact below 2^53), for uint64 counts. */
  uint64(end: number): number {
    const buf = this.buf;
    let pos = this.pos;
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (pos >= end) throw this.error('truncated varint');
      const b = buf[pos++]!;
      result += (b & 0x7f) * scale;
      if (b < 0x80) {
        this.pos = pos;
        return result;
      }
      scale *= 128;
    }
    throw this.error('varint longer than 10 bytes');
  }

  /** Zigzag-decoded sint32. */
  sint32(end: number): number {
    const n = this.uint32(end);
    return (n >>> 1) ^ -(n & 1);
  }

  /** Reads a length prefix and returns the end offset of the delimited bytes. */
  lenEnd(end: number): number {
    // Read as 64-bit so a length of 2^32 or more is refused rather than wrapped.
    const len = this.uint64(end);
    const stop = this.pos + len;
    if (stop > end) throw this.error(`length ${len} runs past the end of its message`);
    return stop;
  }

  fixed64(end: number): number {
    const pos = this.pos;
    if (pos + 8 > end) throw this.error('truncated fixed64');
    this.pos = pos + 8;
    return this.view.getUint32(pos + 4, true) * 4294967296 + this.view.getUint32(pos, true);
  }

  sfixed64(end: number): number {
    const pos = this.pos;
    if (pos + 8 > end) throw this.error('truncated sfixed64');
    this.pos = pos + 8;
    return this.view.getInt32(pos + 4, true) * 4294967296 + this.view.getUint32(pos, true);
  }

  /** fixed64 nanoseconds since epoch to whole milliseconds, exactly (no 2^53 rounding). */
  nanosToMillis(end: number): number {
    const pos = this.pos;
    if (pos + 8 > end) throw this.error('truncated fixed64 timestamp');
    this.pos = pos + 8;
    const hi = this.view.getUint32(pos + 4, true);
    const lo = this.view.getUint32(pos, true);
    // hi·2^32 = hi·4294·10^6 + hi·967296; the second term plus lo stays below 2^53.
    return hi * 4294 + Math.floor((hi * 967296 + lo) / 1e6);
  }

  double(end: number): number {
    const pos = this.pos;
    if (pos + 8 > end) throw this.error('truncated double');
    this.pos = pos + 8;
    return this.view.getFloat64(pos, true);
  }

  /** Skips a field whose tag has been read. */
  skip(wireType: number, end: number, field: number): void {
    switch (wireType) {
      case Wire.VARINT:
        this.uint64(end);
        return;
      case Wire.I64:
        if (this.pos + 8 > end) throw this.error('truncated fixed64');
        this.pos += 8;
        return;
      case Wire.LEN:
        this.pos = this.lenEnd(end);
        return;
      case Wire.I32:
        if (this.pos + 4 > end) throw this.error('truncated fixed32');
        this.pos += 4;
        return;
      case Wire.SGROUP:
        this.skipGroup(end, field);
        return;
      default:
        throw this.error(`invalid wire type ${wireType} for field ${field}`);
    }
  }

  #depth = 0;
  private skipGroup(end: number, field: number): void {
    if (++this.#depth > 32) throw this.error('groups nested too deeply');
    for (;;) {
      if (this.pos >= end) throw this.error(`unterminated group for field ${field}`);
      const tag = this.uint32(end);
      const f = tag >>> 3;
      const wt = tag & 7;
      if (wt === Wire.EGROUP) {
        if (f !== field) throw this.error(`group for field ${field} closed by field ${f}`);
        this.#depth--;
        return;
      }
      this.skip(wt, end, f);
    }
  }

  /** Fails unless the wire type is the one the schema declares for this field. */
  expect(wireType: number, expected: number, message: string, field: string): void {
    if (wireType !== expected) {
      throw this.error(`${message}.${field}: wire type ${WIRE_NAMES[wireType] ?? wireType}, expected ${WIRE_NAMES[expected]}`);
    }
  }

  error(what: string): DecodeError {
    return new DecodeError(`invalid protobuf at byte ${this.pos}: ${what}`);
  }
}

/** Reads a tag; field number 0 is never valid. */
export function readTag(r: ProtoReader, end: number): number {
  const at = r.pos;
  const tag = r.uint32(end);
  if (r.pos - at > 5 || (r.pos - at === 5 && r.buf[at + 4]! > 0x0f)) throw r.error('tag wider than 32 bits');
  if (tag >>> 3 === 0) throw r.error('field number 0');
  return tag;
}
