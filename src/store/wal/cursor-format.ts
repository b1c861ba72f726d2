// Byte layout of a cursor file (docs/format/cursor.md). Pure functions, no I/O.
import { crc32c } from './crc32c.js';
import { CursorCorruptError } from './errors.js';
import { walPosition, type WalPosition } from './position.js';

/** "CCUR" as bytes; read as a little-endian u32. */
export const CURSOR_MAGIC = 0x52554343;
export const CURSOR_VERSION = 1;
/** magic u32 | version u16 | flags u16 | segment u32 | offset u64 | crc32c u32 (of bytes 0-19). */
export const CURSOR_FILE_BYTES = 24;

export function encodeCursor(p: WalPosition): Buffer {
  const b = Buffer.alloc(CURSOR_FILE_BYTES);
  b.writeUInt32LE(CURSOR_MAGIC, 0);
  b.writeUInt16LE(CURSOR_VERSION, 4);
  b.writeUInt32LE(p.segment, 8);
  b.writeBigUInt64LE(BigInt(p.offset), 12);
  b.writeUInt32LE(crc32c(b, 0, 20), 20);
  return b;
}

/** The position in a cursor file's bytes; CursorCorruptError (with the file) if they are not one. */
export function decodeCursor(b: Buffer, file: string): WalPosition {
  const fail = (offset: number, reason: string): never => {
    throw new CursorCorruptError(file, offset, reason);
  };
  if (b.length !== CURSOR_FILE_BYTES) fail(Math.min(b.length, CURSOR_FILE_BYTES), `cursor file is ${b.length} bytes, expected ${CURSOR_FILE_BYTES}`);
  if (b.readUInt32LE(0) !== CURSOR_MAGIC) fail(0, `bad cursor magic 0x${b.readUInt32LE(0).toString(16)}`);
  if (b.readUInt32LE(20) !== crc32c(b, 0, 20)) fail(20, 'cursor checksum mismatch');
  const version = b.readUInt16LE(4);
  if (version !== CURSOR_VERSION) fail(4, `unsupported cursor version ${version}`);
  const offset = b.readBigUInt64LE(12);
  const segment = b.readUInt32LE(8);
  if (segment === 0 || offset > BigInt(Number.MAX_SAFE_INTEGER)) fail(8, `impossible position ${segment}:${offset}`);
  return walPosition(segment, Number(offset));
}
