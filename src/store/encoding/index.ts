/**
 * The store's encoding leaf: pure functions, no I/O, nothing imported from the project but
 * errors. Formats: docs/format/page.md and docs/format/extent.md.
 */
export { crc32c } from './crc32c.js';
export { encodePage } from './page-encode.js';
export { decodePage } from './page-decode.js';
export type { DecodedPage } from './page-decode.js';
export { MAX_PAGE_POINTS, MAX_PAGE_TIMESTAMP, PAGE_VERSION } from './page-format.js';
export { compressExtent, decompressExtent, ExtentMethod, MAX_EXTENT_BYTES } from './extent-compression.js';
