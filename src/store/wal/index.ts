// The write-ahead log (docs/format/wal.md, docs/format/cursor.md).
export { Wal } from './wal.js';
export { WalReader } from './wal-reader.js';
export type { WalReaderOptions, WalReaderStats } from './wal-reader.js';
export { CursorStore } from './cursor-store.js';
export type { CursorStoreOptions } from './cursor-store.js';
export { WalCorruptError, CursorCorruptError } from './errors.js';
export { comparePositions, formatPosition, segmentNumber, segmentOffset, walPosition } from './position.js';
export type { SegmentNumber, SegmentOffset, WalPosition } from './position.js';
export type { OnRecord } from './replay.js';
export type {
  ReplayStats,
  WalCorruptRead,
  WalFsyncMode,
  WalGap,
  WalOptions,
  WalReadResult,
  WalRecord,
  WalRecordRead,
  WalSegmentInfo,
  WalStats,
} from './types.js';
export { nodeFileIo } from './file-io.js';
export type { WalFileIo } from './file-io.js';
export { crc32c } from './crc32c.js';
export { MAX_PAYLOAD_BYTES } from './format.js';
export { encodeFrame, encodeFrameInto, maxFrameBytes } from './payload-codec.js';
