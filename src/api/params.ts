import { invalidParam } from './api-error.js';
import { parsePromDurationMs } from '../query/index.js';
import type { RequestParams } from './request-params.js';

/**
 * "All time" for series and label lookups. Prometheus' own bounds (±292 billion years) do not
 * fit a JS number exactly; the JS Date range does, and no sample lies outside it.
 */
export const MIN_TIME_MS = -8_640_000_000_000_000;
export const MAX_TIME_MS = 8_640_000_000_000_000;

/** The RFC 3339 spellings of Prometheus' min/max time that client_golang sends for "unbounded". */
const UNBOUNDED: Readonly<Record<string, number>> = {
  '-292273086-05-16T16:47:06Z': MIN_TIME_MS,
  '292277025-08-18T07:12:54.999999999Z': MAX_TIME_MS,
};

const FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(?:Z|([+-])(\d{2}):(\d{2}))$/;

const clampTime = (ms: number): number => Math.min(MAX_TIME_MS, Math.max(MIN_TIME_MS, ms));
/** Go's math.Round: halves away from zero. */
const roundHalfAway = (x: number): number => Math.sign(x) * Math.round(Math.abs(x));

/** Unix seconds (float, rounded to the millisecond like Prometheus) or RFC 3339, in milliseconds. */
export function parseTimestamp(text: string): number | undefined {
  if (FLOAT.test(text)) {
    const seconds = Number(text);
    const whole = Math.trunc(seconds);
    return clampTime(whole * 1000 + roundHalfAway((seconds - whole) * 1000));
  }
  const unbounded = UNBOUNDED[text];
  if (unbounded !== undefined) return unbounded;
  return parseRfc3339(text);
}

function parseRfc3339(text: string): number | undefined {
  const m = RFC3339.exec(text);
  if (m === null) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const [offsetHours, offsetMinutes] = [Number(m[9] ?? 0), Number(m[10] ?? 0)];
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) return undefined;
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCDate() !== day) return undefined; // 31 April and the like roll over
  date.setUTCHours(hour, minute, second, 0);
  // Sub-millisecond digits are truncated, as Prometheus' timestamp.FromTime does.
  const fractionMs = m[7] === undefined ? 0 : Number(`${m[7].slice(1)}00`.slice(0, 3));
  const offsetMs = (m[8] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  return clampTime(date.getTime() + fractionMs - offsetMs);
}

/** Float seconds (`15`, `0.5`) or a Prometheus duration (`15s`, `1m30s`), in milliseconds. */
export function parseDurationMs(text: string): number | undefined {
  if (FLOAT.test(text)) {
    const ms = Math.trunc(Number(text) * 1000);
    return Number.isSafeInteger(ms) ? ms : undefined;
  }
  return parsePromDurationMs(text);
}

/** A required timestamp parameter (`start`, `end` of query_range). */
export function requiredTime(params: RequestParams, name: string): number {
  const text = params.first(name);
  const ms = parseTimestamp(text);
  if (ms === undefined) throw invalidParam(name, `cannot parse ${JSON.stringify(text)} to a valid timestamp`);
  return ms;
}

/** An optional timestamp parameter with a default when it is absent or empty. */
export function optionalTime(params: RequestParams, name: string, fallback: number): number {
  const text = params.first(name);
  if (text === '') return fallback;
  const ms = parseTimestamp(text);
  if (ms === undefined) throw invalidParam(name, `Invalid time value for '${name}': cannot parse ${JSON.stringify(text)} to a valid timestamp`);
  return ms;
}

export function requiredDuration(params: RequestParams, name: string): number {
  const text = params.first(name);
  const ms = parseDurationMs(text);
  if (ms === undefined) throw invalidParam(name, `cannot parse ${JSON.stringify(text)} to a valid duration`);
  return ms;
}

export function optionalDuration(params: RequestParams, name: string, fallback: number): number {
  return params.first(name) === '' ? fallback : requiredDuration(params, name);
}

/** `limit` of the series and label endpoints: 0 (the default) means no limit. */
export function limitParam(params: RequestParams): number {
  const text = params.first('limit');
  if (text === '') return 0;
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n)) throw invalidParam('limit', `cannot parse ${JSON.stringify(text)} to a valid non-negative limit`);
  return n;
}
