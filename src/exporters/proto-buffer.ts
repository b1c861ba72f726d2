/**
 * A growable protobuf writer for the requests exporters build (remote write, OTLP): fields are
 * written straight into one buffer, and a nested message reserves one length byte, shifting its
 * bytes only when the length needs more (rare for samples and labels, which are short).
 */
export class ProtoBuffer {
  #buf: Buffer;
  #pos = 0;

  constructor(initialBytes = 64 * 1024) {
    this.#buf = Buffer.allocUnsafe(initialBytes);
  }

  get length(): number {
    return this.#pos;
  }

  reset(): void {
    this.#pos = 0;
  }

  /** A copy of the bytes written (the buffer is reused). */
  finish(): Buffer {
    return Buffer.from(this.#buf.subarray(0, this.#pos));
  }

  tag(field: number, wireType: number): void {
    this.uvarint(field * 8 + wireType);
  }

  /** Non-negative integers below 2^53. */
  uvarint(n: number): void {
    this.#room(10);
    const b = this.#buf;
    while (n >= 0x80) {
      b[this.#pos++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    b[this.#pos++] = n;
  }

  /** int64 as a varint; negative values take ten bytes (two's complement), as protobuf does. */
  int64(field: number, n: number): void {
    this.tag(field, 0);
    if (n >= 0) return this.uvarint(n);
    let v = BigInt.asUintN(64, BigInt(Math.trunc(n)));
    this.#room(10);
    while (v >= 0x80n) {
      this.#buf[this.#pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.#buf[this.#pos++] = Number(v);
  }

  /** uint64 of a value that may exceed 2^53 only by rounding (counts as doubles). */
  uint64(field: number, n: number): void {
    this.tag(field, 0);
    this.uvarint(Math.max(0, Math.floor(n)));
  }

  sint(field: number, n: number): void {
    this.tag(field, 0);
    this.uvarint(n >= 0 ? 2 * n : -2 * n - 1);
  }

  double(field: number, v: number): void {
    this.tag(field, 1);
    this.#room(8);
    this.#buf.writeDoubleLE(v, this.#pos);
    this.#pos += 8;
  }

  fixed64(field: number, v: number): void {
    this.tag(field, 1);
    this.#room(8);
    this.#buf.writeBigUInt64LE(BigInt(Math.max(0, Math.floor(v))), this.#pos);
    this.#pos += 8;
  }

  string(field: number, s: string): void {
    this.tag(field, 2);
    const max = s.length * 3;
    this.#room(max + 5);
    if (max < 128) {
      const at = this.#pos++;
      const n = this.#buf.write(s, this.#pos, 'utf8');
      this.#buf[at] = n;
      this.#pos += n;
    } else {
      const n = Buffer.byteLength(s, 'utf8');
      this.uvarint(n);
      this.#buf.write(s, this.#pos, 'utf8');
      this.#pos += n;
    }
  }

  /** Bytes as they are (the elements of a packed fixed-width run). */
  raw(data: Uint8Array): void {
    this.#room(data.length);
    this.#buf.set(data, this.#pos);
    this.#pos += data.length;
  }

  bytes(field: number, data: Uint8Array): void {
    this.tag(field, 2);
    this.uvarint(data.length);
    this.#room(data.length);
    this.#buf.set(data, this.#pos);
    this.#pos += data.length;
  }

  /** Starts a length-delimited field (a nested message or a packed run); pass the mark to `end`. */
  begin(field: number): number {
    this.tag(field, 2);
    this.#room(1);
    return this.#pos++;
  }

  end(mark: number): void {
    const len = this.#pos - mark - 1;
    if (len < 0x80) {
      this.#buf[mark] = len;
      return;
    }
    let extra = 0;
    for (let n = len; n >= 0x80; n = Math.floor(n / 0x80)) extra++;
    this.#room(extra);
    this.#buf.copyWithin(mark + 1 + extra, mark + 1, this.#pos);
    let n = len;
    let at = mark;
    while (n >= 0x80) {
      this.#buf[at++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.#buf[at] = n;
    this.#pos += extra;
  }

  #room(n: number): void {
    if (this.#pos + n <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < this.#pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.#buf.copy(next, 0, 0, this.#pos);
    this.#buf = next;
  }
}
