import type { BatchColumns } from '../../model/index.js';
import { decodeBatch, decodeDefinitions, decodeSampleRecord, RecordType, samplePointCount } from '../records/index.js';
import type { WalRecord } from '../wal/index.js';
import { comparePositions } from '../wal/index.js';
import type { RestoredCheckpoint } from './checkpoint.js';
import type { HeadIngest } from './ingest.js';
import type { StoreParts } from './parts.js';

/**
 * One WAL record on start: definitions into the index, samples into the head (both sample
 * formats). A record that passed its checksum but cannot be taken (it does not decode, or it
 * breaks a limit) is skipped, counted and logged: a bad record must never stop the store from
 * starting, or every restart would meet it again.
 */
export function replayRecord(parts: StoreParts, ingest: HeadIngest, rec: WalRecord, checkpoint: RestoredCheckpoint | null): void {
  try {
    if (checkpoint === null || comparePositions(rec.position, checkpoint.position) >= 0) apply(parts, ingest, rec, null);
    // Before the checkpoint's position the head has it: only the points are counted (for
    // exporters' backlogs), unless blocks were damaged: then every series but those restored.
    else if (checkpoint.restored === null) countOnly(parts, rec);
    else apply(parts, ingest, rec, checkpoint.restored);
  } catch (err) {
    parts.counters.corrupt.add(1, { part: 'wal_record' });
    parts.logger.warn('skipped a WAL record that cannot be replayed', { component: 'store', type: rec.type, segment: rec.position.segment, offset: rec.position.offset, error: (err as Error).message });
  }
}

function apply(parts: StoreParts, ingest: HeadIngest, rec: WalRecord, skip: Uint8Array | null): void {
  switch (rec.type) {
    case RecordType.DEFINITIONS:
      parts.index.otel.load(decodeDefinitions(rec.payload));
      return;
    case RecordType.SAMPLES: {
      const batch = decodeBatch(rec.payload);
      const refs = new Int32Array(batch.seriesCount).fill(-1);
      ingest.resolve(batch, refs);
      ingest.ingest(batch, refs, rec.position, rec.next, skip);
      return;
    }
    case RecordType.SAMPLES_COMPACT: {
      const { columns, seriesRefs } = decodeSampleRecord(rec.payload);
      ingest.resolve(columns, seriesRefs);
      ingest.ingest(columns, seriesRefs, rec.position, rec.next, skip);
      return;
    }
    default:
      parts.logger.warn('skipped a WAL record of an unknown type', { component: 'store', type: rec.type, segment: rec.position.segment, offset: rec.position.offset });
  }
}

/**
 * A record the checkpoint covers: its points are counted. Its definitions need no parsing: a
 * checkpoint is written only after the definitions it follows are in index/definitions.cdf.
 */
function countOnly(parts: StoreParts, rec: WalRecord): void {
  if (rec.type === RecordType.SAMPLES_COMPACT) parts.segmentPoints.add(rec.position.segment, rec.position.offset, samplePointCount(rec.payload));
  else if (rec.type === RecordType.SAMPLES) parts.segmentPoints.add(rec.position.segment, rec.position.offset, decodeBatch(rec.payload).pointCount);
}

/** The batch a WAL record carries, for a tail: both sample formats, series hashes filled in. */
export function batchOfRecord(parts: StoreParts, type: number, payload: Uint8Array): BatchColumns | null {
  if (type === RecordType.SAMPLES) return decodeBatch(payload);
  if (type !== RecordType.SAMPLES_COMPACT) return null;
  const { columns, seriesRefs } = decodeSampleRecord(payload);
  const hashes = columns.seriesHashes;
  for (let i = 0; i < columns.seriesCount; i++) {
    const ref = seriesRefs[i]!;
    if (ref < 0) continue;
    const def = parts.index.otel.byRef(ref);
    // A reference with no definition cannot be: its definitions record precedes it. Left 0:0.
    if (def === undefined) continue;
    hashes[2 * i] = def.hashHi;
    hashes[2 * i + 1] = def.hashLo;
  }
  return columns;
}
