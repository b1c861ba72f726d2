export type { LocalPoint } from './point-recorder.js';
export { PointRecorder } from './point-recorder.js';
export type { LocalOrigin, LocalSeriesParts } from './series-table.js';
export { LocalSeriesTable, localOrigin } from './series-table.js';
export { localBatch } from './to-batch.js';
export type { Ticker } from './aligned-ticker.js';
export { startAlignedTicker } from './aligned-ticker.js';
export type { LocalAppend } from './local-append.js';
