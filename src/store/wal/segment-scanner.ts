// Reads the frames of one segment file in order through a read-ahead window, and finds its
// way back to valid frames after corrupt bytes. Shared by open-time recovery, replay and readers.
import { crc32c } from './crc32c.js';
import { readFully, type WalFileIo } from './file-io.js';
import {
  FRAME_CRC_START,
  FRAME_HEADER_BYTES,
  SEGMENT_HEADER_BYTES,
  checkSegmentHeader,
  implausibleFrame,
  readFrameHeader,
  type FrameHeader,
  type SegmentHeaderCheck,
} from './format.js';
import { decodePayload } from './payload-codec.js';
import type { SegmentNumber } from './position.js';

export type ScanItem =
  | { readonly kind: 'record'; readonly offset: number; readonly end: number; readonly type: number; readonly payload: Uint8Array }
  /**
   * Bytes [offset, end) hold no valid frame. `toLimit`: no valid frame was found up to the
   * limit, which at the end of the last segment means a torn write rather than corruption.
   */
  | { readonly kind: 'corrupt'; readonly offset: number; readonly end: number; readonly reason: string; readonly toLimit: boolean };

type Probe = { readonly kind: 'valid'; readonly header: FrameHeader } | { readonly kind: 'bad'; readonly reason: string } | { readonly kind: 'need'; readonly bytes: number };

/** One read per 4 MiB during replay: large enough that syscalls do not show, small enough to keep. */
export const DEFAULT_READ_AHEAD_BYTES = 4 << 20;

export class SegmentScanner {
  readonly file: string;
  readonly segment: SegmentNumber;
  readonly header: SegmentHeaderCheck;
  readonly #io: WalFileIo;
  readonly #fd: number;
  readonly #readAhead: number;
  #pos = SEGMENT_HEADER_BYTES;
  #limit: number;
  /** The window: file bytes [#base, #base + #len) are in #buf[0, #len). */
  #buf: Buffer;
  #base = 0;
  #len = 0;
  #closed = false;

  private constructor(io: WalFileIo, fd: number, file: string, segment: SegmentNumber, header: SegmentHeaderCheck, limit: number, readAhead: number) {
    this.#io = io;
    this.#fd = fd;
    this.file = file;
    this.segment = segment;
    this.header = header;
    this.#limit = limit;
    this.#readAhead = readAhead;
    this.#buf = Buffer.allocUnsafe(0);
  }

  /** Opens a segment read-only and checks its header; scanning starts after the header. */
  static async open(io: WalFileIo, file: string, segment: SegmentNumber, readAhead = DEFAULT_READ_AHEAD_BYTES): Promise<SegmentScanner> {
    const fd = await io.open(file, 'r');
    try {
      const size = await io.size(fd);
      const head = Buffer.alloc(SEGMENT_HEADER_BYTES);
      const got = await readFully(io, fd, head, 0, SEGMENT_HEADER_BYTES, 0);
      return new SegmentScanner(io, fd, file, segment, checkSegmentHeader(head, got, segment), size, readAhead);
    } catch (err) {
      await io.close(fd).catch(() => undefined);
      throw err;
    }
  }

  /** Offset of the next frame to read. */
  get offset(): number {
    return this.#pos;
  }
  /** Frames are read up to here: the file size, or the writer's committed end for the live segment. */
  get limit(): number {
    return this.#limit;
  }

  seek(offset: number): void {
    this.#pos = Math.max(offset, SEGMENT_HEADER_BYTES);
  }

  setLimit(limit: number): void {
    this.#limit = limit;
  }

  /** The next record or run of corrupt bytes before the limit, or null at the limit. */
  async next(): Promise<ScanItem | null> {
    const start = this.#pos;
    if (start >= this.#limit) return null;
    const first = await this.#probeAt(start);
    if (first.kind === 'valid') return this.#record(start, first.header);
    // The file turned out shorter than the limit (truncated behind our back): nothing here.
    if (start >= this.#limit) return null;
    // Resynchronise: the first offset after the bad one where a whole frame checks out.
    // Cheap tests on the type and flags bytes reject almost every offset before the checksum.
    for (let c = start + 1; c < this.#limit; c++) {
      const at = c - this.#base;
      if (c >= this.#base && at + FRAME_HEADER_BYTES <= this.#len && (this.#buf[at + 8] === 0 || (this.#buf[at + 9]! & 0xfe) !== 0)) continue;
      const probe = await this.#probeAt(c);
      if (probe.kind === 'valid') {
        this.#pos = c;
        return { kind: 'corrupt', offset: start, end: c, reason: first.reason, toLimit: false };
      }
    }
    this.#pos = this.#limit;
    return { kind: 'corrupt', offset: start, end: this.#limit, reason: first.reason, toLimit: true };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#io.close(this.#fd);
  }

  #record(start: number, h: FrameHeader): ScanItem {
    const end = start + FRAME_HEADER_BYTES + h.length;
    this.#pos = end;
    const at = start - this.#base + FRAME_HEADER_BYTES;
    const decoded = decodePayload(this.#buf.subarray(at, at + h.length), h.flags);
    if (!decoded.ok) return { kind: 'corrupt', offset: start, end, reason: decoded.reason, toLimit: false };
    return { kind: 'record', offset: start, end, type: h.type, payload: decoded.payload };
  }

  async #probeAt(offset: number): Promise<Exclude<Probe, { kind: 'need' }>> {
    let p = this.#probe(offset);
    while (p.kind === 'need') {
      await this.#load(offset, p.bytes);
      p = this.#probe(offset);
    }
    return p;
  }

  #probe(offset: number): Probe {
    const remaining = this.#limit - offset;
    if (remaining < FRAME_HEADER_BYTES) return { kind: 'bad', reason: `${remaining} bytes left, too few for a frame header` };
    if (!this.#holds(offset, FRAME_HEADER_BYTES)) return { kind: 'need', bytes: FRAME_HEADER_BYTES };
    const at = offset - this.#base;
    const h = readFrameHeader(this.#buf, at);
    const why = implausibleFrame(h, remaining);
    if (why !== null) return { kind: 'bad', reason: why };
    const size = FRAME_HEADER_BYTES + h.length;
    if (!this.#holds(offset, size)) return { kind: 'need', bytes: size };
    if (crc32c(this.#buf, at + FRAME_CRC_START, at + size) !== h.crc) return { kind: 'bad', reason: 'record checksum mismatch' };
    return { kind: 'valid', header: h };
  }

  #holds(offset: number, bytes: number): boolean {
    return offset >= this.#base && offset + bytes <= this.#base + this.#len;
  }

  /** Refills the window from `offset`; a file shorter than the limit lowers the limit. */
  async #load(offset: number, bytes: number): Promise<void> {
    const want = Math.min(this.#limit - offset, Math.max(bytes, this.#readAhead));
    // Drop an oversized buffer left by one huge record rather than keep it for the whole scan.
    if (this.#buf.length < want || this.#buf.length > 2 * Math.max(want, this.#readAhead)) this.#buf = Buffer.allocUnsafe(want);
    this.#base = offset;
    this.#len = 0;
    const got = await readFully(this.#io, this.#fd, this.#buf, 0, want, offset);
    this.#len = got;
    if (got < want) this.#limit = offset + got;
  }
}
