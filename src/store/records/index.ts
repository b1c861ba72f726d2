// WAL record payloads written by the store (docs/format/wal.md, "Record payloads").
export { RecordType, decodeBatch, decodeDefinitions, encodeBatch, encodeDefinitions } from './batch-record.js';
