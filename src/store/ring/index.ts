export { DatafileRing } from './datafile-ring.js';
export { crc32c } from './crc32c.js';
export { DatafileCorruptError, DatafileGoneError, DATAFILE_GONE } from './errors.js';
export { toFileNumber, ringFileName, parseRingFileName } from './file-number.js';
export type { FileNumber, RingFileKind } from './file-number.js';
export { PageTable } from './page-table.js';
export { nodeRingIo } from './ring-io.js';
export type { RingIo, RingFileHandle, OpenMode } from './ring-io.js';
export type { PageMeta, PageLocation, PageToAppend, RingOptions, RingFileInfo, OpenStats } from './types.js';
