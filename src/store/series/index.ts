export { SeriesIndex } from './series-index.js';
export { PageTable } from './page-table.js';
export type { PageEntry } from './page-table.js';


export { RecordFile } from './record-file.js';
export { OtelSeries } from './otel-series.js';
export type { StoredDefinition } from './otel-series.js';
