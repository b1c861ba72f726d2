// Attribute processing (redaction, dropping, renaming, setting) run in the decode workers before the WAL.
export { AttributeProcessors } from './processors.js';
export type { Processed } from './processors.js';
export { readHashKeys } from './hash-keys.js';
export { luhn, PATTERNS } from './patterns.js';
