import type { Batch, SeriesDefinition } from '../../model/index.js';
import { CairnError, ErrorCodes } from '../../errors/index.js';

/**
 * WAL record types (docs/format/wal.md, "Record payloads"): series definitions (JSON, with the
 * store's reference since format 3), the first sample record format (fixed-width columns, read
 * on replay of older WALs) and the compact one written now.
 */
export const RecordType = { DEFINITIONS: 1, SAMPLES: 2, SAMPLES_COMPACT: 3 } as const;

const HEADER = 16;

/**
 * A batch as a WAL sample record: u32 pointCount, u32 seriesCount, u32 extraLength, u32 0,
 * then seriesHashes (u32×2 per series), series (u32), timeMs, startMs, values (f64), extra
 * (f64), extraOffset (u32), flags (u8); little-endian, f64 columns 8-byte aligned.
 */
export function encodeBatch(b: Batch): Uint8Array {
  const n = b.pointCount;
  const s = b.seriesCount;
  const e = b.extraLength;
  const f64Start = align8(HEADER + 8 * s + 4 * n);
  const total = f64Start + 8 * (3 * n + e) + 4 * n + n;
  const buf = new ArrayBuffer(total);
  const view = new DataView(buf);
  view.setUint32(0, n, true);
  view.setUint32(4, s, true);
  view.setUint32(8, e, true);
  const u32 = (at: number, len: number) => new Uint32Array(buf, at, len);
  u32(HEADER, 2 * s).set(b.seriesHashes.subarray(0, 2 * s));
  u32(HEADER + 8 * s, n).set(b.series.subarray(0, n));
  let at = f64Start;
  for (const col of [b.timeMs, b.startMs, b.values]) {
    new Float64Array(buf, at, n).set(col.subarray(0, n));
    at += 8 * n;
  }
  new Float64Array(buf, at, e).set(b.extra.subarray(0, e));
  at += 8 * e;
  u32(at, n).set(b.extraOffset.subarray(0, n));
  new Uint8Array(buf, at + 4 * n, n).set(b.flags.subarray(0, n));
  return new Uint8Array(buf);
}

export function decodeBatch(bytes: Uint8Array): Batch {
  // Copy to an aligned buffer of our own: typed-array views need aligned offsets.
  const buf = bytes.slice().buffer;
  if (buf.byteLength < HEADER) throw corrupt('sample record shorter than its header');
  const view = new DataView(buf);
  const n = view.getUint32(0, true);
  const s = view.getUint32(4, true);
  const e = view.getUint32(8, true);
  if (HEADER + 8 * s + 29 * n + 8 * e > buf.byteLength) throw corrupt(`sample record of ${buf.byteLength} bytes is too short for ${n} points`);
  const f64Start = align8(HEADER + 8 * s + 4 * n);
  if (buf.byteLength !== f64Start + 8 * (3 * n + e) + 5 * n) throw corrupt(`sample record of ${buf.byteLength} bytes does not fit ${n} points`);
  let at = f64Start;
  const f64 = (len: number): Float64Array => {
    const a = new Float64Array(buf, at, len);
    at += 8 * len;
    return a;
  };
  const timeMs = f64(n);
  const startMs = f64(n);
  const values = f64(n);
  const extra = f64(e);
  const extraOffset = new Uint32Array(buf, at, n);
  const flags = new Uint8Array(buf, at + 4 * n, n);
  return {
    pointCount: n,
    seriesCount: s,
    extraLength: e,
    seriesHashes: new Uint32Array(buf, HEADER, 2 * s),
    series: new Uint32Array(buf, HEADER + 8 * s, n),
    timeMs,
    startMs,
    values,
    extra,
    extraOffset,
    flags,
    definitions: [],
  };
}

export function encodeDefinitions(defs: readonly SeriesDefinition[]): Uint8Array {
  return Buffer.from(JSON.stringify(defs), 'utf8');
}

export function decodeDefinitions(bytes: Uint8Array): SeriesDefinition[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch (err) {
    throw corrupt(`definitions record is not valid JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(parsed)) throw corrupt('definitions record is not a JSON array');
  return parsed as SeriesDefinition[];
}

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}

function corrupt(message: string): CairnError {
  return new CairnError(ErrorCodes.WAL_CORRUPT, message);
}
