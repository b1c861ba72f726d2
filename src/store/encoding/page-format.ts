/** Constants of the page format (docs/format/page.md). Changing any of them is a new version. */

export const PAGE_VERSION = 1;
/** version u8, codecs u8, count - 1 as u16 little-endian. */
export const PAGE_HEADER_BYTES = 4;
/** Count is stored as count - 1 in 16 bits; the config's page_points stops at the same 65536. */
export const MAX_PAGE_POINTS = 65536;
/** Timestamps are integer milliseconds in [0, 2^51): every delta then fits a residual. */
export const MAX_PAGE_TIMESTAMP = 2 ** 51 - 1;
/** High nibble of the codec byte. */
export const TIMESTAMP_CODEC_INT_SEQUENCE = 1;
