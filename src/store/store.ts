import type { Batch } from '../model/index.js';

/**
 * Where decoded batches go. Receivers answer success only after `append` resolves, and
 * `append` resolves only once the batch is as durable as the implementation promises.
 */
export interface Store {
  /** True if the store already holds the definition of the series with this 64-bit hash. */
  hasSeries(hashHi: number, hashLo: number): boolean;
  /**
   * Takes ownership of the batch. Definitions must be present for every local series the
   * store did not know. Rejects with StoreUnavailableError when it cannot take data now.
   */
  append(batch: Batch): Promise<void>;
  start(): Promise<void>;
  shutdown(): Promise<void>;
}
