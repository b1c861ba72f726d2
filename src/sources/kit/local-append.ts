import type { Batch } from '../../model/index.js';

/**
 * Where the agent's own batches go: the ingest pipeline's local entry, which stores them like
 * decoded OTLP requests and counts them under `source`.
 */
export type LocalAppend = (batch: Batch, source: string) => Promise<void>;
