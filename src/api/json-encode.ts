import type { ApiFailure } from './api-error.js';
import type { LabelPairs } from '../query/index.js';

/*
 * The Prometheus API writes its JSON with jsoniter and a few hand-written encoders; clients
 * compare our answers with theirs, so the numbers and strings are formatted the same way.
 */

const HTML_UNSAFE = /[<>&\u2028\u2029]/g;

/** A JSON string escaped like Go's encoder does (HTML-sensitive characters as \u escapes). */
export function jsonString(s: string): string {
  return JSON.stringify(s).replace(HTML_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function jsonStringArray(items: readonly string[]): string {
  return `[${items.map(jsonString).join(',')}]`;
}

/** `{"name":"value",…}` in the order given (label sets arrive sorted by name). */
export function jsonLabels(labels: LabelPairs): string {
  return `{${labels.map(([name, value]) => `${jsonString(name)}:${jsonString(value)}`).join(',')}}`;
}

export function jsonStringRecord(record: Readonly<Record<string, string>>): string {
  return `{${Object.entries(record).map(([k, v]) => `${jsonString(k)}:${jsonString(v)}`).join(',')}}`;
}

/** Milliseconds as seconds with exactly the needed millisecond digits: 1435781451.781, 1.500, 42. */
export function jsonTimestamp(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  const seconds = Math.floor(abs / 1000);
  const fraction = abs - seconds * 1000;
  return fraction === 0 ? `${sign}${seconds}` : `${sign}${seconds}.${String(fraction).padStart(3, '0')}`;
}

/**
 * A sample value as Go's strconv.FormatFloat(v, 'f' or 'e', -1, 64) with Prometheus' switch to
 * 'e' below 1e-6 and from 1e21 — the same thresholds at which JS switches, so only the
 * exponent's two-digit minimum, the signed zero and the special values need care.
 */
export function formatSampleValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  return String(v).replace(/e([+-])(\d)$/, 'e$10$2');
}

export function jsonPoint(ms: number, value: number): string {
  return `[${jsonTimestamp(ms)},"${formatSampleValue(value)}"]`;
}

export function jsonPointString(ms: number, value: string): string {
  return `[${jsonTimestamp(ms)},${jsonString(value)}]`;
}

/** `{"status":"success","data":…}` with `warnings` and `infos` only when there are some, as Prometheus omits them. */
export function encodeSuccess(dataJson: string | readonly string[], warnings: readonly string[], infos: readonly string[] = []): string[] {
  const w = warnings.length > 0 ? `,"warnings":${jsonStringArray(warnings)}` : '';
  const i = infos.length > 0 ? `,"infos":${jsonStringArray(infos)}` : '';
  return ['{"status":"success","data":', ...(typeof dataJson === 'string' ? [dataJson] : dataJson), `${w}${i}}`];
}

export function encodeFailure(failure: ApiFailure): string {
  return `{"status":"error","errorType":${jsonString(failure.errorType)},"error":${jsonString(failure.message)}}`;
}
