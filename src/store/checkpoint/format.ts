import { CairnError, ErrorCodes } from '../../errors/index.js';
import { crc32c } from '../encoding/index.js';

/** Checkpoint file layout (docs/format/checkpoint.md). */
export const CHECKPOINT_MAGIC = 'CAIRNCKP';
export const CHECKPOINT_VERSION = 1;
export const HEADER_BYTES = 32;
const BLOCK_HEADER_BYTES = 8;
const ENTRY_HEADER_BYTES = 21;
/** Entries are grouped in blocks of about this many bytes, each with its own CRC: damage costs one block. */
export const BLOCK_TARGET_BYTES = 256 * 1024;

export interface CheckpointEntry {
  readonly ref: number;
  readonly state: 'open' | 'cut';
  readonly segment: number;
  readonly openedAt: number;
  /** The samples as one page (docs/format/page.md). */
  readonly page: Uint8Array;
}

/** The WAL position the checkpoint covers: every record before it is in the checkpoint. */
export interface CheckpointPosition {
  readonly segment: number;
  readonly offset: number;
}

export function encodeHeader(position: CheckpointPosition, writtenAtMs: number): Buffer {
  const h = Buffer.alloc(HEADER_BYTES);
  h.write(CHECKPOINT_MAGIC, 0, 8, 'latin1');
  h.writeUInt16LE(CHECKPOINT_VERSION, 8);
  h.writeUInt32LE(position.segment, 12);
  h.writeUInt32LE(position.offset, 16);
  h.writeDoubleLE(writtenAtMs, 20);
  h.writeUInt32LE(crc32c(h, 0, 28), 28);
  return h;
}

/** Entries as blocks of about BLOCK_TARGET_BYTES, each `length u32 | crc32c u32 | entries`. */
export function encodeBlocks(entries: readonly CheckpointEntry[]): Buffer[] {
  const blocks: Buffer[] = [];
  let group: CheckpointEntry[] = [];
  let bytes = 0;
  const flush = (): void => {
    const payload = Buffer.allocUnsafe(bytes);
    let at = 0;
    for (const e of group) {
      payload.writeUInt32LE(e.ref, at);
      payload[at + 4] = e.state === 'open' ? 0 : 1;
      payload.writeInt32LE(e.segment, at + 5);
      payload.writeDoubleLE(e.openedAt, at + 9);
      payload.writeUInt32LE(e.page.length, at + 17);
      payload.set(e.page, at + ENTRY_HEADER_BYTES);
      at += ENTRY_HEADER_BYTES + e.page.length;
    }
    const header = Buffer.allocUnsafe(BLOCK_HEADER_BYTES);
    header.writeUInt32LE(payload.length, 0);
    header.writeUInt32LE(crc32c(payload), 4);
    blocks.push(header, payload);
    group = [];
    bytes = 0;
  };
  for (const e of entries) {
    group.push(e);
    bytes += ENTRY_HEADER_BYTES + e.page.length;
    if (bytes >= BLOCK_TARGET_BYTES) flush();
  }
  if (group.length > 0) flush();
  return blocks;
}

export interface DecodedCheckpoint {
  readonly position: CheckpointPosition;
  readonly writtenAtMs: number;
  readonly entries: CheckpointEntry[];
  /** Blocks whose bytes failed their checks, with where they start: their series lost their head samples. */
  readonly damaged: { offset: number; reason: string }[];
}

/** Reads a checkpoint file; a bad header throws CHECKPOINT_CORRUPT, a bad block is reported and skipped. */
export function decodeCheckpoint(bytes: Uint8Array, file: string): DecodedCheckpoint {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length < HEADER_BYTES || b.toString('latin1', 0, 8) !== CHECKPOINT_MAGIC || b.readUInt32LE(28) !== crc32c(b, 0, 28)) {
    throw new CairnError(ErrorCodes.CHECKPOINT_CORRUPT, `${file}: bad checkpoint header at offset 0`);
  }
  const version = b.readUInt16LE(8);
  if (version !== CHECKPOINT_VERSION) throw new CairnError(ErrorCodes.CHECKPOINT_CORRUPT, `${file}: checkpoint version ${version} is not ${CHECKPOINT_VERSION}`);
  const position = { segment: b.readUInt32LE(12), offset: b.readUInt32LE(16) };
  const entries: CheckpointEntry[] = [];
  const damaged: { offset: number; reason: string }[] = [];
  let at = HEADER_BYTES;
  while (at < b.length) {
    if (b.length - at < BLOCK_HEADER_BYTES) {
      damaged.push({ offset: at, reason: 'a block header runs past the end of the file' });
      break;
    }
    const length = b.readUInt32LE(at);
    const payload = b.subarray(at + BLOCK_HEADER_BYTES, at + BLOCK_HEADER_BYTES + length);
    if (payload.length < length) {
      damaged.push({ offset: at, reason: `a block of ${length} bytes runs past the end of the file` });
      break;
    }
    if (crc32c(payload) !== b.readUInt32LE(at + 4)) damaged.push({ offset: at, reason: 'block checksum mismatch' });
    else {
      const problem = readEntries(payload, entries);
      if (problem !== null) damaged.push({ offset: at, reason: problem });
    }
    at += BLOCK_HEADER_BYTES + length;
  }
  return { position, writtenAtMs: b.readDoubleLE(20), entries, damaged };
}

/** Appends a block's entries; returns why it could not, or null. */
function readEntries(payload: Buffer, out: CheckpointEntry[]): string | null {
  let at = 0;
  while (at < payload.length) {
    if (payload.length - at < ENTRY_HEADER_BYTES) return 'an entry header runs past its block';
    const pageLength = payload.readUInt32LE(at + 17);
    const page = payload.subarray(at + ENTRY_HEADER_BYTES, at + ENTRY_HEADER_BYTES + pageLength);
    if (page.length < pageLength) return 'an entry runs past its block';
    const state = payload[at + 4];
    if (state !== 0 && state !== 1) return `unknown entry state ${state}`;
    out.push({ ref: payload.readUInt32LE(at), state: state === 0 ? 'open' : 'cut', segment: payload.readInt32LE(at + 5), openedAt: payload.readDoubleLE(at + 9), page });
    at += ENTRY_HEADER_BYTES + pageLength;
  }
  return null;
}
