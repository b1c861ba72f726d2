// The store's public surface: append, querier(), openTail(); everything else stays inside.
export type { Store, StoreUsage } from './store.js';
export { StoreUnavailableError } from './errors.js';
export { NonDurableMemoryStore } from './non-durable-memory-store.js';
export type { StoredPoint, NonDurableMemoryStoreOptions } from './non-durable-memory-store.js';
export { DiskStore } from './disk/disk-store.js';
export type { DiskStoreOptions } from './disk/parts.js';
export type { Tail, TailBatch, TailEntry, TailGap, TailOptions, TailPosition } from './tail/index.js';
// Prometheus naming of OTel series, shared with remote write exporters so they send the labels the store uses.
export { Flattener, STALE_NAN, baseLabels, prometheusName, withName } from './flatten/index.js';
export type { PromLabels, RefResolver, SampleSink } from './flatten/index.js';
export { walShareBytes } from './disk/wal-share.js';
export type { ChunkSource, CutPage, PageEncoder } from './head/index.js';
export { encodePagesHere } from './head/index.js';
export type { RollupRunner } from './tiers/index.js';
export { validateRollups, rawShareBytes } from './tiers/index.js';
export type { FloatSeriesInfo, StoreStream, StreamPosition } from './stream-hook.js';
