/**
 * Parsers for the human-friendly quantities accepted in configuration.
 * They return `undefined` rather than throwing: a bad value is a user error
 * that the schema turns into a problem carrying its own "expected" text.
 */

const BYTE_UNITS: Readonly<Record<string, number>> = {
  B: 1,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
  TiB: 1024 ** 4,
  kB: 1000,
  KB: 1000,
  MB: 1000 ** 2,
  GB: 1000 ** 3,
  TB: 1000 ** 4,
};

// Microseconds per unit: durations are accumulated in whole microseconds so
// that `1.1s` comes out as exactly 1100 ms instead of 1100.0000000000002.
const DURATION_UNITS_US: Readonly<Record<string, number>> = {
  us: 1,
  µs: 1,
  ms: 1_000,
  s: 1_000_000,
  m: 60_000_000,
  h: 3_600_000_000,
  d: 86_400_000_000,
};

const SIZE_RE = /^(\d+(?:\.\d+)?)\s*([A-Za-z]*)$/;
const DIGITS_RE = /^\d+(?:\.\d+)?$/;
// `ms`/`us` must be tried before `m`/`s` so `500ms` is not read as 500m + s.
const DURATION_PART_RE = /(\d+(?:\.\d+)?)(ms|us|µs|d|h|m|s)/y;

/**
 * A byte count from a non-negative integer or a string such as `64MiB`,
 * `16MB`, `1.5MiB`, `100B` or `4096`. Results that are not a whole number of
 * bytes (`1.5B`) or exceed the safe integer range are rejected.
 */
export function parseBytes(input: unknown): number | undefined {
  if (typeof input === 'number') return isByteCount(input) ? input : undefined;
  if (typeof input !== 'string') return undefined;
  const match = SIZE_RE.exec(input.trim());
  if (!match) return undefined;
  const [, amount = '', unit = ''] = match;
  const factor = unit === '' ? 1 : BYTE_UNITS[unit];
  if (factor === undefined) return undefined;
  const bytes = Number(amount) * factor;
  return isByteCount(bytes) ? bytes : undefined;
}

/**
 * A duration in milliseconds from a non-negative number (already ms) or a
 * string of one or more `<number><unit>` parts: `10s`, `500ms`, `1h30m`,
 * `1d`, `250us` (giving 0.25). Resolution is one microsecond. A string of
 * bare digits is read as milliseconds, matching what an unquoted number means.
 */
export function parseDuration(input: unknown): number | undefined {
  if (typeof input === 'number') return Number.isFinite(input) && input >= 0 ? input : undefined;
  if (typeof input !== 'string') return undefined;
  const text = input.trim();
  if (DIGITS_RE.test(text)) return Number(text);
  if (text === '') return undefined;

  let totalUs = 0;
  DURATION_PART_RE.lastIndex = 0;
  while (DURATION_PART_RE.lastIndex < text.length) {
    const part = DURATION_PART_RE.exec(text);
    if (!part) return undefined;
    const [, amount = '', unit = ''] = part;
    totalUs += Math.round(Number(amount) * (DURATION_UNITS_US[unit] ?? Number.NaN));
  }
  return Number.isSafeInteger(totalUs) ? totalUs / 1000 : undefined;
}

function isByteCount(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}
