export type { Store } from './store.js';
export { StoreUnavailableError } from './errors.js';
export { NonDurableMemoryStore } from './non-durable-memory-store.js';
export type { StoredPoint, NonDurableMemoryStoreOptions } from './non-durable-memory-store.js';
export { DiskStore } from './disk-store.js';
export type { DiskStoreOptions } from './disk-store.js';
