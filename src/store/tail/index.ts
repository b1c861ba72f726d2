// Readers of the store's log for consumers that deliver it elsewhere (exporters).
export { StoreTail } from './store-tail.js';
export type { TailSource } from './store-tail.js';
export type { Tail, TailBatch, TailEntry, TailGap, TailOptions, TailPosition } from './types.js';
export { SegmentPoints } from './segment-points.js';
