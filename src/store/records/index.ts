// WAL record payloads written by the store (docs/format/wal.md, "Record payloads"). Pure code,
// no I/O: decode workers build the compact sample records, the store and its readers decode them.
export { RecordType, decodeBatch, decodeDefinitions, encodeBatch, encodeDefinitions } from './batch-record.js';
export { SampleRecordEncoder, decodeSampleRecord, samplePointCount, SAMPLE_RECORD_VERSION } from './sample-record.js';
export type { DecodedSamples } from './sample-record.js';
export { ByteReader, ByteWriter } from './byte-io.js';
