import { closeSync, fsyncSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { CairnError } from '../../errors/index.js';
import { crc32c } from '../encoding/crc32c.js';
import { StoreUnavailableError } from '../errors.js';
import { STORE_FILE_MODE } from '../file-modes.js';

/**
 * An append-only file of CRC-checked records (docs/format/series.md): a 16-byte header
 * (8-byte magic, u32 version, u32 CRC-32C of the first 12 bytes), then records
 * `length u32 | crc32c(payload) u32 | payload`, little-endian. Used for the series index and
 * the OTel series definitions: small, written rarely, read whole at start.
 */
export interface RecordFileStats {
  records: number;
  corruptSkipped: number;
  tornBytesTruncated: number;
}

const HEADER = 16;
const VERSION = 1;

export class RecordFile {
  readonly path: string;
  #fd: number;
  #size: number;
  #dirty = false;

  private constructor(path: string, fd: number, size: number) {
    this.path = path;
    this.#fd = fd;
    this.#size = size;
  }

  get sizeBytes(): number {
    return this.#size;
  }

  /** Opens (or creates) the file and returns every intact record. */
  static open(path: string, magic: string, corruptCode: string): { file: RecordFile; records: Uint8Array[]; stats: RecordFileStats } {
    const stats: RecordFileStats = { records: 0, corruptSkipped: 0, tornBytesTruncated: 0 };
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      bytes = Buffer.alloc(0);
    }
    const fd = openSync(path, bytes.length === 0 ? 'w+' : 'r+', STORE_FILE_MODE);
    if (bytes.length < HEADER) {
      // New, or torn before its header was complete: start over with a header.
      const header = makeHeader(magic);
      ftruncateSync(fd, 0);
      writeSync(fd, header, 0, HEADER, 0);
      stats.tornBytesTruncated += bytes.length;
      return { file: new RecordFile(path, fd, HEADER), records: [], stats };
    }
    if (bytes.toString('latin1', 0, 8) !== magic || crc32c(bytes, 0, 12) !== bytes.readUInt32LE(12)) {
      closeSync(fd);
      throw new CairnError(corruptCode, `${path}: bad header at offset 0 (expected magic ${magic})`);
    }
    const records: Uint8Array[] = [];
    let at = HEADER;
    while (at < bytes.length) {
      if (bytes.length - at < 8) break;
      const len = bytes.readUInt32LE(at);
      // No writer makes an empty record, and eight zero bytes would pass as one (the CRC of
      // nothing is 0): a zero length is where a zero-filled torn tail starts.
      if (len === 0 || len > bytes.length - at - 8) break;
      const payload = bytes.subarray(at + 8, at + 8 + len);
      if (crc32c(payload) === bytes.readUInt32LE(at + 4)) records.push(payload);
      else stats.corruptSkipped++;
      at += 8 + len;
    }
    if (at < bytes.length) {
      stats.tornBytesTruncated += bytes.length - at;
      ftruncateSync(fd, at);
    }
    stats.records = records.length;
    return { file: new RecordFile(path, fd, at), records, stats };
  }

  /** Appends records in one write; on a disk error nothing partial is left behind. */
  append(payloads: readonly Uint8Array[]): void {
    if (payloads.length === 0) return;
    const total = payloads.reduce((n, p) => n + 8 + p.length, 0);
    const buf = Buffer.allocUnsafe(total);
    let at = 0;
    for (const p of payloads) {
      buf.writeUInt32LE(p.length, at);
      buf.writeUInt32LE(crc32c(p), at + 4);
      buf.set(p, at + 8);
      at += 8 + p.length;
    }
    try {
      let written = 0;
      while (written < total) written += writeSync(this.#fd, buf, written, total - written, this.#size + written);
    } catch (err) {
      try {
        ftruncateSync(this.#fd, this.#size);
      } catch {
        // The truncate failed too; the torn tail is dropped on the next open.
      }
      throw new StoreUnavailableError(`cannot write ${this.path}: ${(err as Error).message}`, { cause: err });
    }
    this.#size += total;
    this.#dirty = true;
  }

  sync(): void {
    if (!this.#dirty) return;
    fsyncSync(this.#fd);
    this.#dirty = false;
  }

  close(): void {
    if (this.#fd < 0) return;
    try {
      this.sync();
    } finally {
      closeSync(this.#fd);
      this.#fd = -1;
    }
  }
}

function makeHeader(magic: string): Buffer {
  const header = Buffer.alloc(HEADER);
  header.write(magic, 0, 8, 'latin1');
  header.writeUInt32LE(VERSION, 8);
  header.writeUInt32LE(crc32c(header, 0, 12), 12);
  return header;
}
