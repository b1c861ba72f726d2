// The bit writer and reader: every field kind round-trips at every alignment, the writer
// is reusable, and the reader turns overruns into PAGE_CORRUPT.
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../../src/errors/index.js';
import { BitReader } from '../../../src/store/encoding/bit-reader.js';
import { BitWriter } from '../../../src/store/encoding/bit-writer.js';
import { Rng } from './page-fixtures.js';

type Field =
  | { kind: 'bits'; value: number; count: number }
  | { kind: 'uint'; value: number; count: number }
  | { kind: 'unary'; value: number }
  | { kind: 'exp-golomb'; value: number }
  | { kind: 'length-prefixed'; value: number };

function randomField(rng: Rng): Field {
  const count = rng.int(54);
  const value = count === 0 ? 0 : Math.floor(rng.next() * 2 ** count);
  switch (rng.int(5)) {
    case 0: {
      const c = rng.int(33);
      return { kind: 'bits', value: c === 0 ? 0 : rng.uint32() % 2 ** c, count: c };
    }
    case 1:
      return { kind: 'uint', value, count };
    case 2:
      return { kind: 'unary', value: rng.int(60) };
    case 3:
      return { kind: 'exp-golomb', value: Math.min(value, 2 ** 52) };
    default:
      return { kind: 'length-prefixed', value };
  }
}

function write(writer: BitWriter, f: Field): void {
  if (f.kind === 'bits') writer.writeBits(f.value, f.count);
  else if (f.kind === 'uint') writer.writeUint(f.value, f.count);
  else if (f.kind === 'unary') writer.writeUnary(f.value);
  else if (f.kind === 'exp-golomb') writer.writeExpGolomb(f.value);
  else writer.writeLengthPrefixed(f.value);
}

function read(reader: BitReader, f: Field): number {
  if (f.kind === 'bits') return reader.readBits(f.count);
  if (f.kind === 'uint') return reader.readUint(f.count);
  if (f.kind === 'unary') return reader.readUnary(64);
  if (f.kind === 'exp-golomb') return reader.readExpGolomb();
  return reader.readLengthPrefixed();
}

describe('BitWriter / BitReader', () => {
  it('round-trip random sequences of every field kind', () => {
    const rng = new Rng(11);
    const writer = new BitWriter(16); // tiny start: growth is exercised too
    for (let round = 0; round < 200; round++) {
      writer.reset();
      const fields = Array.from({ length: 1 + rng.int(60) }, () => randomField(rng));
      for (const f of fields) write(writer, f);
      const bits = writer.bitLength;
      const bytes = writer.finish();
      expect(bytes.length).toBe(Math.ceil(bits / 8));
      const reader = new BitReader(bytes);
      for (const f of fields) expect(read(reader, f)).toBe(f.value);
      expect(reader.alignToByte()).toBe(bytes.length);
    }
  });

  it('reads Rice codes in the fast and slow paths alike', () => {
    const rng = new Rng(12);
    const writer = new BitWriter();
    const codes: Array<[number, number]> = [];
    for (let i = 0; i < 2000; i++) {
      const k = rng.int(30);
      const q = rng.int(20);
      const low = k === 0 ? 0 : rng.uint32() % 2 ** k;
      codes.push([k, q * 2 ** k + low]);
      if (q < 16) {
        writer.writeUnary(q);
        writer.writeUint(low, k);
      } else {
        writer.writeBits(0, 16); // an escape: the caller would read the code next
      }
    }
    const reader = new BitReader(writer.finish());
    for (const [k, code] of codes) {
      const q = Math.floor(code / 2 ** k);
      expect(reader.readRice(k, 16)).toBe(q < 16 ? code : -1);
    }
  });

  it('treats reading past the end as PAGE_CORRUPT', () => {
    const reader = new BitReader(Uint8Array.of(0xff, 0x00));
    expect(reader.readBits(12)).toBe(0xff0);
    expect(() => reader.readBits(5)).toThrow(expect.objectContaining({ code: ErrorCodes.PAGE_CORRUPT }));
    expect(() => new BitReader(new Uint8Array(4)).readUnary(64)).toThrow(
      expect.objectContaining({ code: ErrorCodes.PAGE_CORRUPT }),
    );
  });

  it('stops a unary run at its limit without consuming more', () => {
    const reader = new BitReader(Uint8Array.of(0x00, 0x00, 0x80));
    expect(reader.readUnary(10)).toBe(10);
    expect(reader.readUnary(64)).toBe(6);
  });

  it('rejects non-zero padding', () => {
    const reader = new BitReader(Uint8Array.of(0b1010_0001));
    expect(reader.readBits(3)).toBe(0b101);
    expect(() => reader.alignToByte()).toThrow(expect.objectContaining({ code: ErrorCodes.PAGE_CORRUPT }));
  });
});
