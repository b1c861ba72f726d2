export { SeriesIndex } from './series-index.js';
export { RecordFile } from './record-file.js';
export { RecordPair } from './record-pair.js';
export { scanRecords, encodeRecordFile } from './record-scan.js';
export type { IndexDamage, IndexFileStats } from './record-damage.js';
export { OtelSeries } from './otel-series.js';
export type { StoredDefinition } from './otel-series.js';
