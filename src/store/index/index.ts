export { SeriesIndex } from './series-index.js';
export { PageTable } from './page-table.js';
export type { PageEntry } from './page-table.js';
export type { LabelMatcher } from './matchers.js';
export { compileMatcher } from './matchers.js';
export { RecordFile } from './record-file.js';
export { translateRe2 } from './re2-translate.js';
export type { TranslatedRegex } from './re2-translate.js';
