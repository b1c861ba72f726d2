import type { MetricKind } from '../../model/index.js';
import { TEMPORALITY_BY_WIRE } from '../../model/index.js';
import type { AnyValue } from './any-value.js';
import { renderAnyValue } from './any-value.js';
import { DecodeError } from './decode-error.js';
import { ProtoReader, readTag, Wire } from './proto-reader.js';
import type { SeriesParts } from '../../model/index.js';

/**
 * Where a series' parts sit in the request bytes, 15 numbers per series: resource, scope, the
 * metric's name, unit and description (start, end each), its temporality and monotonic flag,
 * the point, and the kind code. Decoding from these never walks the metric's other points, so
 * a request of many new series costs time linear in its size.
 */
export const SOURCE_STRIDE = 15;
export const KIND_CODES: readonly MetricKind[] = ['gauge', 'sum', 'histogram', 'exponential_histogram', 'summary'];
/** Field number of `attributes` in each data point message, by kind code. */
const POINT_ATTRIBUTES_FIELD = [7, 7, 9, 1, 7];
/** Field number of each kind's message inside Metric, by kind code. */
export const METRIC_DATA_FIELD = [5, 7, 9, 10, 11];

const utf8 = new TextDecoder('utf-8', { fatal: true });
export const MAX_ANY_VALUE_DEPTH = 16;

/** Offsets of the fields of one series' sources (see SOURCE_STRIDE). */
export const Src = { RES: 0, SCOPE: 2, NAME: 4, UNIT: 6, DESC: 8, TEMPORALITY: 10, MONOTONIC: 11, POINT: 12, KIND: 14 } as const;

/**
 * Decodes the identity parts of one series from the ranges recorded by the walker. Runs only
 * when a series is new to a worker, so it favours clarity over speed.
 */
export function decodeSeriesParts(buf: Uint8Array, src: ArrayLike<number>, at: number): SeriesParts {
  const r = new ProtoReader(buf);
  const kindCode = src[at + Src.KIND]!;
  const resource = readAttributesOf(r, src[at + Src.RES]!, src[at + Src.RES + 1]!, 1);
  let scopeName = '';
  let scopeVersion = '';
  forEachField(r, src[at + Src.SCOPE]!, src[at + Src.SCOPE + 1]!, (field, wt, end) => {
    if (field === 1 && wt === Wire.LEN) scopeName = readString(r, end, 'InstrumentationScope.name');
    else if (field === 2 && wt === Wire.LEN) scopeVersion = readString(r, end, 'InstrumentationScope.version');
    else return false;
    return true;
  });
  const text = (field: number, what: string): string => decodeUtf8(buf.subarray(src[at + field]!, src[at + field + 1]!), what);
  const attributes = readAttributesOf(r, src[at + Src.POINT]!, src[at + Src.POINT + 1]!, POINT_ATTRIBUTES_FIELD[kindCode]!);
  return {
    name: text(Src.NAME, 'Metric.name'),
    kind: KIND_CODES[kindCode]!,
    temporality: TEMPORALITY_BY_WIRE[src[at + Src.TEMPORALITY]!] ?? 'unspecified',
    monotonic: src[at + Src.MONOTONIC] !== 0,
    unit: text(Src.UNIT, 'Metric.unit'),
    description: text(Src.DESC, 'Metric.description'),
    resource,
    scopeName,
    scopeVersion,
    attributes,
  };
}

/** Calls `visit` for each field; a visit that returns false has the field skipped for it. */
function forEachField(
  r: ProtoReader,
  start: number,
  end: number,
  visit: (field: number, wireType: number, end: number) => boolean,
): void {
  r.pos = start;
  while (r.pos < end) {
    const tag = readTag(r, end);
    const here = r.pos;
    if (!visit(tag >>> 3, tag & 7, end)) {
      r.pos = here;
      r.skip(tag & 7, end, tag >>> 3);
    }
  }
}

function readAttributesOf(r: ProtoReader, start: number, end: number, field: number): [string, string][] {
  const out: [string, string][] = [];
  forEachField(r, start, end, (f, wt, e) => {
    if (f !== field || wt !== Wire.LEN) return false;
    const kvEnd = r.lenEnd(e);
    const [k, v] = readKeyValue(r, kvEnd, 0);
    out.push([k, renderAnyValue(v)]);
    r.pos = kvEnd;
    return true;
  });
  return out;
}

function readKeyValue(r: ProtoReader, end: number, depth: number): [string, AnyValue] {
  let key = '';
  let value: AnyValue = { kind: 'empty' };
  const start = r.pos;
  forEachField(r, start, end, (f, wt, e) => {
    if (f === 1 && wt === Wire.LEN) key = readString(r, e, 'KeyValue.key');
    else if (f === 2 && wt === Wire.LEN) {
      const vEnd = r.lenEnd(e);
      value = readAnyValue(r, vEnd, depth + 1);
      r.pos = vEnd;
    } else return false;
    return true;
  });
  return [key, value];
}

function readAnyValue(r: ProtoReader, end: number, depth: number): AnyValue {
  if (depth > MAX_ANY_VALUE_DEPTH) throw new DecodeError(`attribute value nested deeper than ${MAX_ANY_VALUE_DEPTH} levels`);
  let value: AnyValue = { kind: 'empty' };
  forEachField(r, r.pos, end, (f, wt, e) => {
    switch (f) {
      case 1:
        r.expect(wt, Wire.LEN, 'AnyValue', 'string_value');
        value = { kind: 'string', v: readString(r, e, 'AnyValue.string_value') };
        return true;
      case 2:
        r.expect(wt, Wire.VARINT, 'AnyValue', 'bool_value');
        value = { kind: 'bool', v: r.uint64(e) !== 0 };
        return true;
      case 3:
        r.expect(wt, Wire.VARINT, 'AnyValue', 'int_value');
        value = { kind: 'int', v: readInt64(r, e) };
        return true;
      case 4:
        r.expect(wt, Wire.I64, 'AnyValue', 'double_value');
        value = { kind: 'double', v: r.double(e) };
        return true;
      case 5:
      case 6: {
        r.expect(wt, Wire.LEN, 'AnyValue', f === 5 ? 'array_value' : 'kvlist_value');
        const listEnd = r.lenEnd(e);
        const items: AnyValue[] = [];
        const pairs: [string, AnyValue][] = [];
        forEachField(r, r.pos, listEnd, (lf, lwt, le) => {
          if (lf !== 1 || lwt !== Wire.LEN) return false;
          const itemEnd = r.lenEnd(le);
          if (f === 5) items.push(readAnyValue(r, itemEnd, depth + 1));
          else pairs.push(readKeyValue(r, itemEnd, depth + 1));
          r.pos = itemEnd;
          return true;
        });
        value = f === 5 ? { kind: 'array', v: items } : { kind: 'kvlist', v: pairs };
        return true;
      }
      case 7: {
        r.expect(wt, Wire.LEN, 'AnyValue', 'bytes_value');
        const bEnd = r.lenEnd(e);
        value = { kind: 'bytes', v: r.buf.subarray(r.pos, bEnd) };
        r.pos = bEnd;
        return true;
      }
      default:
        return false;
    }
  });
  return value;
}

function readString(r: ProtoReader, end: number, what: string): string {
  const stop = r.lenEnd(end);
  const bytes = r.buf.subarray(r.pos, stop);
  r.pos = stop;
  return decodeUtf8(bytes, what);
}

function decodeUtf8(bytes: Uint8Array, what: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new DecodeError(`${what} is not valid UTF-8`);
  }
}

function readInt64(r: ProtoReader, end: number): bigint {
  let result = 0n;
  let shift = 0n;
  for (let i = 0; i < 10; i++) {
    if (r.pos >= end) throw r.error('truncated varint');
    const b = r.buf[r.pos++]!;
    result |= BigInt(b & 0x7f) << shift;
    if (b < 0x80) return BigInt.asIntN(64, result);
    shift += 7n;
  }
  throw r.error('varint longer than 10 bytes');
}
