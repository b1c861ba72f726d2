import type { MetricKind, Temporality } from '../../model/index.js';
import { TEMPORALITY_BY_WIRE } from '../../model/index.js';
import type { AnyValue } from './any-value.js';
import { renderAnyValue } from './any-value.js';
import { DecodeError } from './decode-error.js';
import { ProtoReader, readTag, Wire } from './proto-reader.js';
import type { SeriesParts } from '../../model/index.js';

/** Where a series' parts sit in the request bytes: 9 numbers per series. */
export const SOURCE_STRIDE = 9;
export const KIND_CODES: readonly MetricKind[] = ['gauge', 'sum', 'histogram', 'exponential_histogram', 'summary'];
/** Field number of `attributes` in each data point message, by kind code. */
const POINT_ATTRIBUTES_FIELD = [7, 7, 9, 1, 7];
/** Field number of each kind's message inside Metric, by kind code. */
export const METRIC_DATA_FIELD = [5, 7, 9, 10, 11];

const utf8 = new TextDecoder('utf-8', { fatal: true });
export const MAX_ANY_VALUE_DEPTH = 16;

/**
 * Decodes the identity parts of one series from the ranges recorded by the walker:
 * [resourceStart, resourceEnd, scopeStart, scopeEnd, metricStart, metricEnd, pointStart, pointEnd, kindCode].
 * Runs only when a series is new to a worker or to the store, so it favours clarity over speed.
 */
export function decodeSeriesParts(buf: Uint8Array, src: ArrayLike<number>, at: number): SeriesParts {
  const r = new ProtoReader(buf);
  const kindCode = src[at + 8]!;
  const resource = readAttributesOf(r, src[at]!, src[at + 1]!, 1);
  let scopeName = '';
  let scopeVersion = '';
  forEachField(r, src[at + 2]!, src[at + 3]!, (field, wt, end) => {
    if (field === 1 && wt === Wire.LEN) scopeName = readString(r, end, 'InstrumentationScope.name');
    else if (field === 2 && wt === Wire.LEN) scopeVersion = readString(r, end, 'InstrumentationScope.version');
    else return false;
    return true;
  });
  let name = '';
  let unit = '';
  let description = '';
  let temporality: Temporality = 'unspecified';
  let monotonic = false;
  forEachField(r, src[at + 4]!, src[at + 5]!, (field, wt, end) => {
    if (wt !== Wire.LEN) return false;
    if (field === 1) name = readString(r, end, 'Metric.name');
    else if (field === 2) description = readString(r, end, 'Metric.description');
    else if (field === 3) unit = readString(r, end, 'Metric.unit');
    else if (field === METRIC_DATA_FIELD[kindCode]) {
      const dataEnd = r.lenEnd(end);
      forEachField(r, r.pos, dataEnd, (f, w, e) => {
        if (f === 2 && w === Wire.VARINT) temporality = TEMPORALITY_BY_WIRE[r.uint32(e)] ?? 'unspecified';
        else if (f === 3 && w === Wire.VARINT) monotonic = r.uint32(e) !== 0;
        else return false;
        return true;
      });
      return true;
    } else return false;
    return true;
  });
  const attributes = readAttributesOf(r, src[at + 6]!, src[at + 7]!, POINT_ATTRIBUTES_FIELD[kindCode]!);
  const kind = KIND_CODES[kindCode]!;
  return { name, kind, temporality, monotonic, unit, description, resource, scopeName, scopeVersion, attributes };
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
