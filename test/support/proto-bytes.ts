/**
 * Protobuf bytes by hand, for what protobufjs will not write: unpacked repeated fields, unknown
 * fields, wrong wire types, lying lengths, over-long varints. `rewrite` walks an encoded request
 * with a small schema of its nested messages and lets a test edit each message's field list.
 */

export const WT = { VARINT: 0, I64: 1, LEN: 2, SGROUP: 3, EGROUP: 4, I32: 5 } as const;

export function varint(n: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

export function tag(field: number, wt: number): number[] {
  return varint(field * 8 + wt);
}

export function fixed64(n: number | bigint): number[] {
  const v = BigInt.asUintN(64, BigInt(n));
  return Array.from({ length: 8 }, (_, i) => Number((v >> BigInt(8 * i)) & 0xffn));
}

export function double(x: number): number[] {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, x, true);
  return [...b];
}

export type Bytes = readonly number[] | Uint8Array;

export function bytes(...parts: Bytes[]): Uint8Array {
  const out: number[] = [];
  for (const p of parts) for (const b of p) out.push(b);
  return Uint8Array.from(out);
}

/** Field writers: f.varint(1, 5), f.len(2, ...payload), f.fixed64(3, ns), f.double(4, 1.5). */
export const f = {
  varint: (field: number, n: number | bigint): number[] => [...tag(field, WT.VARINT), ...varint(n)],
  fixed64: (field: number, n: number | bigint): number[] => [...tag(field, WT.I64), ...fixed64(n)],
  double: (field: number, x: number): number[] => [...tag(field, WT.I64), ...double(x)],
  fixed32: (field: number, n: number): number[] => [...tag(field, WT.I32), n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24],
  len: (field: number, ...payload: Bytes[]): number[] => {
    const body = bytes(...payload);
    return [...tag(field, WT.LEN), ...varint(body.length), ...body];
  },
  str: (field: number, s: string): number[] => f.len(field, Buffer.from(s, 'utf8')),
};

/** Field 99 with every wire type, groups included: what a newer schema might send. */
export const UNKNOWN_FIELDS: readonly (readonly number[])[] = [
  f.varint(99, 2n ** 63n + 5n),
  f.fixed64(99, 123456789n),
  f.len(99, f.str(1, 'nested'), f.varint(2, 7)),
  [...tag(99, WT.SGROUP), ...f.varint(1, 1), ...tag(98, WT.SGROUP), ...f.fixed32(2, 7), ...tag(98, WT.EGROUP), ...tag(99, WT.EGROUP)],
  f.fixed32(99, 0xdeadbeef),
];

/** Child message type of each length-delimited field that holds a message, by message type. */
export const SCHEMA: Record<string, Record<number, string>> = {
  Request: { 1: 'ResourceMetrics' },
  ResourceMetrics: { 1: 'Resource', 2: 'ScopeMetrics' },
  Resource: { 1: 'KeyValue' },
  ScopeMetrics: { 1: 'Scope', 2: 'Metric' },
  Scope: { 3: 'KeyValue' },
  Metric: { 5: 'Gauge', 7: 'Sum', 9: 'Histogram', 10: 'ExponentialHistogram', 11: 'Summary', 12: 'KeyValue' },
  Gauge: { 1: 'NumberDataPoint' },
  Sum: { 1: 'NumberDataPoint' },
  Histogram: { 1: 'HistogramDataPoint' },
  ExponentialHistogram: { 1: 'ExponentialHistogramDataPoint' },
  Summary: { 1: 'SummaryDataPoint' },
  NumberDataPoint: { 7: 'KeyValue', 5: 'Exemplar' },
  HistogramDataPoint: { 9: 'KeyValue', 8: 'Exemplar' },
  ExponentialHistogramDataPoint: { 1: 'KeyValue', 8: 'Buckets', 9: 'Buckets', 11: 'Exemplar' },
  SummaryDataPoint: { 7: 'KeyValue', 6: 'ValueAtQuantile' },
  Buckets: {},
  ValueAtQuantile: {},
  Exemplar: { 7: 'KeyValue' },
  KeyValue: { 2: 'AnyValue' },
  AnyValue: { 5: 'ArrayValue', 6: 'KeyValueList' },
  ArrayValue: { 1: 'AnyValue' },
  KeyValueList: { 1: 'KeyValue' },
};

/** One field of a message: its number, wire type and the raw bytes after the tag. */
export interface Field {
  field: number;
  wt: number;
  /** The value bytes after the tag (for LEN: length prefix included). */
  raw: Uint8Array;
}

/** Splits a message (no groups) into its fields. */
export function parseFields(buf: Uint8Array): Field[] {
  const out: Field[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const t = Number(readAt(buf, pos));
    pos += varintLength(buf, pos);
    const start = pos;
    const wt = t & 7;
    if (wt === WT.VARINT) pos += varintLength(buf, pos);
    else if (wt === WT.I64) pos += 8;
    else if (wt === WT.I32) pos += 4;
    else if (wt === WT.LEN) {
      const len = Number(readAt(buf, pos));
      pos += varintLength(buf, pos) + len;
    } else throw new Error(`parseFields: wire type ${wt}`);
    out.push({ field: t >>> 3, wt, raw: buf.subarray(start, pos) });
  }
  return out;
}

function varintLength(buf: Uint8Array, at: number): number {
  let n = 1;
  while (buf[at + n - 1]! >= 0x80) n++;
  return n;
}

function readAt(buf: Uint8Array, at: number): bigint {
  let v = 0n;
  for (let i = 0; ; i++) {
    const b = buf[at + i]!;
    v |= BigInt(b & 0x7f) << BigInt(7 * i);
    if (b < 0x80) return v;
  }
}

/** The payload of a LEN field (without its length prefix). */
export function payload(fd: Field): Uint8Array {
  return fd.raw.subarray(varintLength(fd.raw, 0));
}

export function serialize(fields: readonly Field[]): Uint8Array {
  return bytes(...fields.flatMap((fd) => [tag(fd.field, fd.wt), fd.raw]));
}

export function lenField(field: number, body: Uint8Array): Field {
  return { field, wt: WT.LEN, raw: bytes(varint(body.length), body) };
}

/**
 * Rebuilds a message of type `type`, letting `edit(type, fields)` replace each message's field
 * list after its children were rebuilt (lengths are recomputed on the way up).
 */
export function rewrite(buf: Uint8Array, edit: (type: string, fields: Field[]) => Field[], type = 'Request'): Uint8Array {
  const children = SCHEMA[type]!;
  const fields = parseFields(buf).map((fd) => {
    const child = children[fd.field];
    if (child === undefined || fd.wt !== WT.LEN) return fd;
    return lenField(fd.field, rewrite(payload(fd), edit, child));
  });
  return serialize(edit(type, fields));
}

/** Raw field (tag + value) bytes as a Field, e.g. to splice UNKNOWN_FIELDS into a message. */
export function rawField(b: Bytes): Field {
  const all = bytes(b);
  const tagLen = varintLength(all, 0);
  const t = Number(readAt(all, 0));
  return { field: t >>> 3, wt: t & 7, raw: all.subarray(tagLen) };
}
