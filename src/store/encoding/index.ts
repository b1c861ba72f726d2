/**
 * The store's encoding leaf: pure functions, no I/O, nothing imported from the project but
 * errors. Formats: docs/format/page.md, rollup-page.md and extent.md.
 */
export { crc32c } from './crc32c.js';
export { encodePage } from './page-encode.js';
export { decodePage } from './page-decode.js';
export type { DecodedPage } from './page-decode.js';
export { MAX_PAGE_POINTS, MAX_PAGE_TIMESTAMP, PAGE_VERSION } from './page-format.js';
export { compressExtent, decompressExtent, ExtentMethod, MAX_EXTENT_BYTES } from './extent-compression.js';
export { RollupRows } from './rollup-rows.js';
export { encodeRollupPage } from './rollup-page-encode.js';
export { decodeRollupPage, hasSketches } from './rollup-page-decode.js';
export type { DecodedRollupPage } from './rollup-page-decode.js';
export { MAX_ROLLUP_ROWS, ROLLUP_PAGE_VERSION } from './rollup-page-format.js';
