import type { Labels, SeriesDefinition } from '../../model/index.js';
import { EXP_HISTOGRAM_HEADER, HISTOGRAM_HEADER, PointFlag, SUMMARY_HEADER } from '../../model/index.js';
import type { ForwardBatch } from '../forward-batch.js';
import { ProtoBuffer } from '../proto-buffer.js';

// Field numbers of opentelemetry/proto/metrics/v1/metrics.proto and collector/metrics/v1.
const TEMPORALITY = { unspecified: 0, delta: 1, cumulative: 2 } as const;
const NANOS_PER_MS = 1_000_000n;

interface MetricGroup {
  readonly def: SeriesDefinition;
  readonly series: number[];
}

/**
 * An ExportMetricsServiceRequest rebuilt from stored points: one ResourceMetrics per resource,
 * one ScopeMetrics per scope, one Metric per name/kind/unit/temporality with its points in
 * stored order. What the store does not keep cannot come back: attribute values return as the
 * strings the store made of them, times at millisecond precision, no exemplars.
 */
export function encodeOtlpRequest(batch: ForwardBatch, out = new ProtoBuffer()): Buffer {
  out.reset();
  const pointsOf = pointsBySeries(batch);
  for (const { labels: resource, scopes } of groupSeries(batch)) {
    const rm = out.begin(1);
    const r = out.begin(1);
    attributes(out, 1, resource);
    out.end(r);
    for (const metrics of scopes.values()) {
      const sm = out.begin(2);
      const first = metrics.values().next().value!.def;
      const scope = out.begin(1);
      if (first.scopeName !== '') out.string(1, first.scopeName);
      if (first.scopeVersion !== '') out.string(2, first.scopeVersion);
      out.end(scope);
      for (const group of metrics.values()) metric(out, batch, group, pointsOf);
      out.end(sm);
    }
    out.end(rm);
  }
  return out.finish();
}

interface ResourceGroup {
  readonly labels: Labels;
  readonly scopes: Map<string, Map<string, MetricGroup>>;
}

/** Series by resource, then scope, then metric, in order of first appearance. */
function groupSeries(batch: ForwardBatch): Iterable<ResourceGroup> {
  const byResource = new Map<string, ResourceGroup>();
  for (let s = 0; s < batch.seriesCount; s++) {
    const def = batch.definitions[s]!;
    const rKey = JSON.stringify(def.resource);
    let r = byResource.get(rKey);
    if (r === undefined) byResource.set(rKey, (r = { labels: def.resource, scopes: new Map() }));
    const sKey = `${def.scopeName}\u0000${def.scopeVersion}`;
    let metrics = r.scopes.get(sKey);
    if (metrics === undefined) r.scopes.set(sKey, (metrics = new Map()));
    const mKey = `${def.name}\u0000${def.kind}\u0000${def.unit}\u0000${def.temporality}\u0000${def.monotonic ? 1 : 0}`;
    const group = metrics.get(mKey);
    if (group === undefined) metrics.set(mKey, { def, series: [s] });
    else group.series.push(s);
  }
  return byResource.values();
}

function pointsBySeries(batch: ForwardBatch): number[][] {
  const rows: number[][] = Array.from({ length: batch.seriesCount }, () => []);
  for (let p = 0; p < batch.pointCount; p++) rows[batch.series[p]!]!.push(p);
  return rows;
}

function metric(out: ProtoBuffer, b: ForwardBatch, group: MetricGroup, pointsOf: number[][]): void {
  const { def } = group;
  const m = out.begin(2);
  out.string(1, def.name);
  if (def.description !== '') out.string(2, def.description);
  if (def.unit !== '') out.string(3, def.unit);
  const field = { gauge: 5, sum: 7, histogram: 9, exponential_histogram: 10, summary: 11 }[def.kind];
  const data = out.begin(field);
  for (const s of group.series) {
    const attrs = b.definitions[s]!.attributes;
    for (const p of pointsOf[s]!) point(out, b, def, attrs, p);
  }
  if (def.kind !== 'gauge' && def.kind !== 'summary') {
    out.tag(2, 0);
    out.uvarint(TEMPORALITY[def.temporality]);
  }
  if (def.kind === 'sum' && def.monotonic) {
    out.tag(3, 0);
    out.uvarint(1);
  }
  out.end(data);
  out.end(m);
}

function point(out: ProtoBuffer, b: ForwardBatch, def: SeriesDefinition, attrs: Labels, p: number): void {
  const dp = out.begin(1);
  const flags = b.flags[p]!;
  const kind = def.kind;
  const attrField = kind === 'histogram' ? 9 : kind === 'exponential_histogram' ? 1 : 7;
  attributes(out, attrField, attrs);
  if (b.startMs[p]! > 0) nanos(out, 2, b.startMs[p]!);
  nanos(out, 3, b.timeMs[p]!);
  const noValue = (flags & PointFlag.NO_RECORDED_VALUE) !== 0;
  if (kind === 'gauge' || kind === 'sum') {
    if (!noValue) {
      if (flags & PointFlag.INT) sfixed64(out, 6, b.values[p]!);
      else out.double(4, b.values[p]!);
    }
    if (noValue) flagsField(out, 8);
  } else if (flags & PointFlag.COMPOUND) {
    compound(out, b, kind, b.extraOffset[p]!);
    if (noValue) flagsField(out, kind === 'summary' ? 8 : 10);
  } else if (noValue) {
    flagsField(out, kind === 'summary' ? 8 : 10);
  }
  out.end(dp);
}

function compound(out: ProtoBuffer, b: ForwardBatch, kind: SeriesDefinition['kind'], at: number): void {
  const x = b.extra;
  const count = x[at]!;
  const sum = x[at + 1]!;
  out.fixed64(4, count);
  if (kind === 'histogram') {
    if (!Number.isNaN(sum)) out.double(5, sum);
    const buckets = x[at + 4]!;
    if (buckets > 0) {
      const boundsAt = at + HISTOGRAM_HEADER;
      const countsAt = boundsAt + buckets - 1;
      const c = out.begin(6);
      for (let i = 0; i < buckets; i++) fixed64Raw(out, x[countsAt + i]!);
      out.end(c);
      const e = out.begin(7);
      for (let i = 0; i < buckets - 1; i++) doubleRaw(out, x[boundsAt + i]!);
      out.end(e);
    }
    optionalDouble(out, 11, x[at + 2]!);
    optionalDouble(out, 12, x[at + 3]!);
  } else if (kind === 'exponential_histogram') {
    if (!Number.isNaN(sum)) out.double(5, sum);
    out.sint(6, x[at + 4]!);
    out.fixed64(7, x[at + 5]!);
    const posAt = at + EXP_HISTOGRAM_HEADER;
    const nPos = x[posAt + 1]!;
    buckets(out, 8, x[posAt]!, x, posAt + 2, nPos);
    const negAt = posAt + 2 + nPos;
    buckets(out, 9, x[negAt]!, x, negAt + 2, x[negAt + 1]!);
    optionalDouble(out, 12, x[at + 2]!);
    optionalDouble(out, 13, x[at + 3]!);
    if (x[at + 6]! !== 0 && !Number.isNaN(x[at + 6]!)) out.double(14, x[at + 6]!);
  } else if (kind === 'summary') {
    if (!Number.isNaN(sum)) out.double(5, sum);
    const n = x[at + 2]!;
    for (let i = 0; i < n; i++) {
      const q = out.begin(6);
      out.double(1, x[at + SUMMARY_HEADER + 2 * i]!);
      out.double(2, x[at + SUMMARY_HEADER + 2 * i + 1]!);
      out.end(q);
    }
  }
}

function buckets(out: ProtoBuffer, field: number, offset: number, x: Float64Array, from: number, n: number): void {
  if (n === 0 && offset === 0) return;
  const m = out.begin(field);
  if (offset !== 0) out.sint(1, offset);
  if (n > 0) {
    const c = out.begin(2);
    for (let i = 0; i < n; i++) out.uvarint(Math.max(0, x[from + i]!));
    out.end(c);
  }
  out.end(m);
}

function attributes(out: ProtoBuffer, field: number, labels: Labels): void {
  for (const [k, v] of labels) {
    const kv = out.begin(field);
    out.string(1, k);
    const any = out.begin(2);
    out.string(1, v);
    out.end(any);
    out.end(kv);
  }
}

function nanos(out: ProtoBuffer, field: number, ms: number): void {
  out.tag(field, 1);
  raw64(out, BigInt.asUintN(64, BigInt(Math.trunc(ms)) * NANOS_PER_MS));
}

function sfixed64(out: ProtoBuffer, field: number, v: number): void {
  out.tag(field, 1);
  raw64(out, BigInt.asUintN(64, BigInt(Math.trunc(v))));
}

function fixed64Raw(out: ProtoBuffer, v: number): void {
  raw64(out, BigInt(Math.max(0, Math.trunc(v))));
}

const scratch = Buffer.alloc(8);
function raw64(out: ProtoBuffer, v: bigint): void {
  scratch.writeBigUInt64LE(v, 0);
  out.raw(scratch);
}

function doubleRaw(out: ProtoBuffer, v: number): void {
  scratch.writeDoubleLE(v, 0);
  out.raw(scratch);
}

function optionalDouble(out: ProtoBuffer, field: number, v: number): void {
  if (!Number.isNaN(v)) out.double(field, v);
}

function flagsField(out: ProtoBuffer, field: number): void {
  out.tag(field, 0);
  out.uvarint(1);
}
