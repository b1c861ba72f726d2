/** Constants of the rollup page format (docs/format/rollup-page.md). Changing any of them is a new version. */

export const ROLLUP_PAGE_VERSION = 1;
/** version u8, flags u8, rows − 1 u16, float codecs u16, resolution ms u32; little-endian. */
export const ROLLUP_HEADER_BYTES = 10;
/** Flag bit 0: the rows carry sketches. */
export const ROLLUP_FLAG_SKETCH = 1;
/** Rows per page: stored as rows − 1 in 16 bits. */
export const MAX_ROLLUP_ROWS = 65536;
/** Centroids per row, and in all in one page (bounds the decoder's work and memory). */
export const MAX_ROW_CENTROIDS = 4096;
export const MAX_PAGE_CENTROIDS = 1 << 20;
/** Largest resolution: bucket offsets are integer sequences, the resolution a u32 of ms. */
export const MAX_RESOLUTION_MS = 0xffff_ffff;
/**
 * The float columns in page order; the header's codec field holds 2 bits per column in this
 * order from bit 0, then 2 bits for the sketch means (0 when the page has no centroids).
 */
export const FLOAT_COLUMNS = ['first', 'last', 'min', 'max', 'sum', 'resets'] as const;
