// The head checkpoint file (docs/format/checkpoint.md): what the head held at a WAL position.
export { decodeCheckpoint, encodeBlocks, encodeHeader, CHECKPOINT_MAGIC, CHECKPOINT_VERSION } from './format.js';
export type { CheckpointEntry, CheckpointPosition, DecodedCheckpoint } from './format.js';
