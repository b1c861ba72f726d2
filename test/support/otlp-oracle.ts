/**
 * The protobufjs side of the differential tests: encodes generated requests, decodes bytes with
 * the generated static code and turns the result into the points and series the hand-written
 * decoders must produce (layouts from src/model/batch.ts, label rendering from any-value.ts).
 */
import root from '../../src/generated/otlp.js';
import { PointFlag } from '../../src/model/index.js';
import type { BatchColumns } from '../../src/model/index.js';
import type { GenRequest } from './otlp-gen.js';

export const { ExportMetricsServiceRequest } = root.opentelemetry.proto.collector.metrics.v1;
export const LIMITS = { maxAttributeBytes: 4096, maxAttributes: 64 };

type O = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
export type Labels = [string, string][];

/** Encoded by protobufjs, copied into a plain Uint8Array (a Buffer's slice() would not copy). */
export function encodeRequest(req: GenRequest | O): Uint8Array {
  return new Uint8Array(ExportMetricsServiceRequest.encode(ExportMetricsServiceRequest.fromObject(req)).finish());
}

/** The oracle's reading of the bytes: 64-bit as strings, bytes as Uint8Array, oneof names set. */
export function oracleDecode(bytes: Uint8Array): O {
  return ExportMetricsServiceRequest.toObject(ExportMetricsServiceRequest.decode(bytes), { longs: String, oneofs: true });
}

export interface ExpectedSeries {
  name: string;
  kind: string;
  temporality: string;
  monotonic: boolean;
  unit: string;
  description: string;
  resource: Labels;
  scopeName: string;
  scopeVersion: string;
  attributes: Labels;
}
export interface PointRow {
  timeMs: number;
  startMs: number;
  value: number;
  flags: number;
  extra: number[];
}
export interface ExpectedPoint extends PointRow {
  /** Canonical identity as a string: equal keys <=> equal series. */
  key: string;
  series: ExpectedSeries;
}
export interface Expected {
  points: ExpectedPoint[];
  exemplars: number;
}

const KINDS = [
  ['gauge', 'gauge'],
  ['sum', 'sum'],
  ['histogram', 'histogram'],
  ['exponentialHistogram', 'exponential_histogram'],
  ['summary', 'summary'],
] as const;
const TEMPORALITY = ['unspecified', 'delta', 'cumulative'];

/** Every point the oracle sees, in wire order, as the decoder must emit it (all assumed valid). */
export function expectedFromOracle(req: O): Expected {
  const points: ExpectedPoint[] = [];
  let exemplars = 0;
  for (const rm of req['resourceMetrics'] ?? []) {
    const resource = canonical((rm.resource?.attributes ?? []).map(renderKv));
    for (const sm of rm.scopeMetrics ?? []) {
      for (const m of sm.metrics ?? []) {
        const found = KINDS.find(([field]) => m[field] !== undefined);
        if (found === undefined) continue;
        const [field, kind] = found;
        const data = m[field];
        const series = {
          name: m.name ?? '',
          kind,
          temporality: TEMPORALITY[data.aggregationTemporality ?? 0]!,
          monotonic: data.isMonotonic ?? false,
          unit: m.unit ?? '',
          description: m.description ?? '',
          resource,
          scopeName: sm.scope?.name ?? '',
          scopeVersion: sm.scope?.version ?? '',
        };
        for (const p of data.dataPoints ?? []) {
          exemplars += (p.exemplars ?? []).length;
          const s: ExpectedSeries = { ...series, attributes: canonical((p.attributes ?? []).map(renderKv)) };
          points.push({ key: seriesKeyOf(s), series: s, ...expectedRow(kind, p) });
        }
      }
    }
  }
  return { points, exemplars };
}

export function seriesKeyOf(s: ExpectedSeries): string {
  return JSON.stringify([s.name, s.kind, s.temporality, s.monotonic, s.unit, s.scopeName, s.scopeVersion, s.resource, s.attributes]);
}

function expectedRow(kind: string, p: O): PointRow {
  const timeMs = nanosToMs(p.timeUnixNano);
  const startMs = nanosToMs(p.startTimeUnixNano);
  if (((p.flags ?? 0) & 1) !== 0) return { timeMs, startMs, value: NaN, flags: PointFlag.NO_RECORDED_VALUE, extra: [] };
  if (kind === 'gauge' || kind === 'sum') {
    if (p.value === 'asInt') return { timeMs, startMs, value: Number(BigInt(p.asInt)), flags: PointFlag.INT, extra: [] };
    return { timeMs, startMs, value: p.asDouble, flags: 0, extra: [] };
  }
  const count = Number(BigInt(p.count ?? '0'));
  const orNaN = (v: number | undefined): number => v ?? NaN;
  let extra: number[];
  if (kind === 'histogram') {
    const counts: number[] = (p.bucketCounts ?? []).map((c: string) => Number(BigInt(c)));
    const bounds: number[] = counts.length > 0 ? (p.explicitBounds ?? []) : [];
    extra = [count, orNaN(p.sum), orNaN(p.min), orNaN(p.max), counts.length, ...bounds, ...counts];
  } else if (kind === 'exponential_histogram') {
    const side = (b: O | undefined): number[] => {
      const counts = (b?.bucketCounts ?? []).map((c: string) => Number(BigInt(c)));
      return [b?.offset ?? 0, counts.length, ...counts];
    };
    const head = [count, orNaN(p.sum), orNaN(p.min), orNaN(p.max), p.scale ?? 0, Number(BigInt(p.zeroCount ?? '0')), p.zeroThreshold ?? 0];
    extra = [...head, ...side(p.positive), ...side(p.negative)];
  } else {
    const qs: O[] = p.quantileValues ?? [];
    extra = [count, p.sum ?? 0, qs.length, ...qs.flatMap((q) => [q.quantile ?? 0, q.value ?? 0])];
  }
  return { timeMs, startMs, value: count, flags: PointFlag.COMPOUND, extra };
}

export function nanosToMs(ns: string | undefined): number {
  return ns === undefined ? 0 : Number(BigInt(ns) / 1_000_000n);
}

// ---- attribute rendering (any-value.ts rules: strings as-is, scalars as text, lists as JSON) ----

export function renderKv(kv: O): [string, string] {
  return [kv.key ?? '', renderValue(kv.value)];
}

export function renderValue(v: O | undefined): string {
  const plain = toPlain(v);
  if (v?.value === 'stringValue') return v.stringValue;
  if (plain === null) return '';
  return v!.value === 'arrayValue' || v!.value === 'kvlistValue' ? JSON.stringify(plain) : String(plain);
}

function toPlain(v: O | undefined): unknown {
  switch (v?.value) {
    case 'stringValue':
    case 'boolValue':
      return v[v.value];
    case 'intValue': {
      const n = BigInt(v.intValue);
      return n >= -(2n ** 53n - 1n) && n <= 2n ** 53n - 1n ? Number(n) : n.toString();
    }
    case 'doubleValue':
      return Number.isFinite(v.doubleValue) ? v.doubleValue : String(v.doubleValue);
    case 'bytesValue':
      return Buffer.from(v.bytesValue).toString('base64');
    case 'arrayValue':
      return (v.arrayValue.values ?? []).map(toPlain);
    case 'kvlistValue':
      // A kvlist is a map: rendered with its keys sorted, so its wire order is not identity.
      return Object.fromEntries(
        [...(v.kvlistValue.values ?? [])]
          .sort((a: O, b: O) => ((a.key ?? '') < (b.key ?? '') ? -1 : (a.key ?? '') > (b.key ?? '') ? 1 : 0))
          .map((kv: O) => [kv.key ?? '', toPlain(kv.value)]),
      );
    default:
      return null;
  }
}

/** Sorted by key (UTF-16 order), a later duplicate key winning: the canonical label set. */
export function canonical(labels: readonly (readonly [string, string])[]): Labels {
  const byKey = new Map<string, string>();
  for (const [k, v] of labels) byKey.set(k, v);
  return [...byKey.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

// ---- reading what a decoder produced ----

export interface ActualPoint extends PointRow {
  local: number;
  hash: string;
}

/** The first `pointCount` rows of a batch, each compound payload cut at the next one's offset. */
export function readBatch(b: BatchColumns): ActualPoint[] {
  const out: ActualPoint[] = [];
  for (let i = 0; i < b.pointCount; i++) {
    const flags = b.flags[i]!;
    let extra: number[] = [];
    if (flags & PointFlag.COMPOUND) {
      let end = b.extraLength;
      for (let j = i + 1; j < b.pointCount; j++) {
        if (b.flags[j]! & PointFlag.COMPOUND) {
          end = b.extraOffset[j]!;
          break;
        }
      }
      extra = Array.from(b.extra.subarray(b.extraOffset[i]!, end));
    }
    const local = b.series[i]!;
    out.push({ local, hash: hashAt(b, local), timeMs: b.timeMs[i]!, startMs: b.startMs[i]!, value: b.values[i]!, flags, extra });
  }
  return out;
}

export function hashAt(b: BatchColumns, local: number): string {
  if (local >= b.seriesCount) return `local ${local} out of range (${b.seriesCount} series)`;
  return `${b.seriesHashes[2 * local]!.toString(16)}:${b.seriesHashes[2 * local + 1]!.toString(16)}`;
}

export function rowOf(p: PointRow): PointRow {
  return { timeMs: p.timeMs, startMs: p.startMs, value: p.value, flags: p.flags, extra: p.extra };
}

/** Checks that equal identity keys always map to one hash and different keys to different hashes. */
export class IdentityLedger {
  readonly #hashByKey = new Map<string, string>();
  readonly #keyByHash = new Map<string, string>();

  record(key: string, hash: string): void {
    const h = this.#hashByKey.get(key);
    if (h !== undefined && h !== hash) throw new Error(`series ${key} had hash ${h}, now ${hash}`);
    const k = this.#keyByHash.get(hash);
    if (k !== undefined && k !== key) throw new Error(`hash ${hash} shared by ${k} and ${key}`);
    this.#hashByKey.set(key, hash);
    this.#keyByHash.set(hash, key);
  }

  get size(): number {
    return this.#hashByKey.size;
  }
}
