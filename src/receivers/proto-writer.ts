/** Just enough protobuf encoding for the small messages receivers send back. */
export class ProtoWriter {
  readonly #bytes: number[] = [];

  varint(field: number, value: number): this {
    this.#tag(field, 0);
    this.#raw(value);
    return this;
  }

  bytes(field: number, data: Uint8Array): this {
    this.#tag(field, 2);
    this.#raw(data.length);
    for (const b of data) this.#bytes.push(b);
    return this;
  }

  string(field: number, s: string): this {
    return this.bytes(field, Buffer.from(s, 'utf8'));
  }

  finish(): Buffer {
    return Buffer.from(this.#bytes);
  }

  #tag(field: number, wireType: number): void {
    this.#raw(field * 8 + wireType);
  }

  #raw(n: number): void {
    // Non-negative values below 2^53 only; enough for codes, lengths and counts.
    while (n >= 0x80) {
      this.#bytes.push((n % 0x80) | 0x80);
      n = Math.floor(n / 0x80);
    }
    this.#bytes.push(n);
  }
}
