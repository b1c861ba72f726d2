import { parseEndpoint } from './endpoint.js';
import type { LeafField, ListField } from './field.js';
import { parseBytes, parseDuration } from './units.js';

// Node's timers silently turn delays above 2^31-1 ms into 1 ms, so a longer
// duration would fire immediately instead of "practically never".
const MAX_TIMER_MS = 2 ** 31 - 1;
const BYTE_UNITS_HINT = 'units B, KiB, MiB, GiB, TiB, kB, MB, GB, TB';

/** The value a leaf key resolves to, or `undefined` if `raw` is not acceptable. */
export function parseLeaf(field: LeafField, raw: unknown): number | string | boolean | readonly string[] | undefined {
  switch (field.kind) {
    case 'bytes': {
      const bytes = parseBytes(raw);
      return bytes === undefined || (field.positive === true && bytes === 0) ? undefined : bytes;
    }
    case 'duration': {
      const ms = parseDuration(raw);
      return ms === undefined || (ms > MAX_TIMER_MS && field.long !== true) || ms < (field.min ?? 0) ? undefined : ms;
    }
    case 'path':
      return typeof raw === 'string' && raw !== '' && !raw.includes('\0') ? raw : undefined;
    case 'endpoint':
      return typeof raw === 'string' && parseEndpoint(raw) !== undefined ? raw : undefined;
    case 'string':
      // YAML reads `key: 123` as a number; a header value of digits is still meant as text.
      if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
      return typeof raw === 'string' && !(field.nonEmpty === true && raw === '') ? raw : undefined;
    case 'int':
      return typeof raw === 'number' &&
        Number.isInteger(raw) &&
        raw >= field.min &&
        (field.max === undefined || raw <= field.max)
        ? raw
        : undefined;
    case 'bool':
      return typeof raw === 'boolean' ? raw : undefined;
    case 'enum':
      return typeof raw === 'string' && field.values.includes(raw) ? raw : undefined;
    case 'list':
      return parseList(field, raw);
    default:
      return assertNever(field);
  }
}

function parseList(field: ListField, raw: unknown): readonly string[] | undefined {
  if (!Array.isArray(raw)) return undefined;
  const seen = new Set<string>();
  for (const item of raw) {
    if (typeof item !== 'string' || item === '' || seen.has(item)) return undefined;
    if (field.values !== undefined && !field.values.includes(item)) return undefined;
    if (field.absolutePaths === true && !item.startsWith('/')) return undefined;
    seen.add(item);
  }
  return [...seen];
}

/** What a leaf key accepts, phrased to follow "expected". */
export function describeLeaf(field: LeafField): string {
  switch (field.kind) {
    case 'bytes':
      return `a size like 16MiB (${field.positive === true ? 'greater than 0; ' : ''}${BYTE_UNITS_HINT})`;
    case 'duration':
      if (field.min !== undefined) return `a duration of at least ${field.min} ms, like 10s or 1m`;
      return field.long === true ? 'a duration like 10s, 12h or 30d' : 'a duration like 10s, 500ms or 1h30m (at most 24d)';
    case 'path':
      return 'a non-empty file system path';
    case 'endpoint':
      return 'host:port with port 0-65535, host an IPv4 address, a name or a quoted "[IPv6]"';
    case 'string':
      return field.nonEmpty === true ? 'a non-empty string' : 'a string';
    case 'int':
      return field.max === undefined
        ? `an integer of at least ${field.min}`
        : `an integer between ${field.min} and ${field.max}`;
    case 'bool':
      return 'true or false';
    case 'enum':
      return `one of: ${field.values.join(', ')}`;
    case 'list': {
      const what = field.values !== undefined ? `of: ${field.values.join(', ')}` : field.absolutePaths === true ? 'absolute paths' : 'non-empty strings';
      return `a list (e.g. [a, b]) of distinct ${what}`;
    }
    default:
      return assertNever(field);
  }
}

function assertNever(field: never): never {
  throw new Error(`unhandled config field kind: ${JSON.stringify(field)}`);
}
