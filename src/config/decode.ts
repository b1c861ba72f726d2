import type { Field, MapField, SectionField } from './field.js';
import { describeLeaf, parseLeaf } from './leaf.js';
import { ROOT_PATH, type ConfigProblem } from './problem.js';
import { closestKey } from './suggest.js';

type Mapping = Readonly<Record<string, unknown>>;

/**
 * Walks `raw` (parsed YAML) against `section`, taking any key `raw` leaves
 * out from `base`, and returns a fresh object with every key resolved.
 * Problems are appended to `problems` rather than thrown so one pass reports
 * them all; the returned value is meaningless when any were added.
 * With no `base` (decoding the defaults themselves) every key is required.
 */
export function decodeSection(
  section: SectionField,
  raw: unknown,
  base: unknown,
  path: string,
  problems: ConfigProblem[],
): Mapping {
  const known = Object.keys(section.fields);
  // A present-but-empty section (`receivers:`) parses as null: keep its defaults.
  const given = raw ?? {};
  if (!isMapping(given)) {
    problems.push({ path: path || ROOT_PATH, value: raw, expected: `a mapping with keys: ${known.join(', ')}` });
    return {};
  }
  for (const key of Object.keys(given)) {
    if (!Object.hasOwn(section.fields, key)) {
      problems.push({ path: join(path, key), value: given[key], expected: unknownKeyExpectation(key, known) });
    }
  }

  const defaults = isMapping(base) ? base : undefined;
  const resolved: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(section.fields)) {
    const keyPath = join(path, key);
    const value = Object.hasOwn(given, key) ? given[key] : undefined;
    const fallback = defaults?.[key];
    resolved[key] = decodeField(field, value, fallback, keyPath, problems);
  }
  return resolved;
}

function decodeField(field: Field, value: unknown, fallback: unknown, path: string, problems: ConfigProblem[]): unknown {
  if (field.kind === 'section') return decodeSection(field, value, fallback, path, problems);
  if (field.kind === 'custom') return value === undefined && fallback !== undefined ? fallback : field.decode(value ?? null, path, problems);
  if (value === undefined && fallback !== undefined) return fallback;
  if (field.kind === 'map') return decodeMap(field, value, path, problems);
  // An explicit null lands here on purpose: `endpoint: ${UNSET_BUT_EMPTY}`
  // should be reported, not quietly replaced by the default.
  const parsed = parseLeaf(field, value);
  // Secrets are named by their path only: a token must not reach a log through its error.
  const shown = (field.kind === 'list' || field.kind === 'string') && field.secret === true ? '(hidden)' : value;
  if (parsed === undefined) problems.push({ path, value: shown, expected: describeLeaf(field) });
  return parsed;
}

/** Entries under names the user chose; each a section over `entryDefaults`, or a leaf. */
function decodeMap(field: MapField, raw: unknown, path: string, problems: ConfigProblem[]): Mapping {
  // `exporters:` with nothing under it means none.
  const given = raw ?? {};
  if (!isMapping(given)) {
    problems.push({ path: path || ROOT_PATH, value: raw, expected: 'a mapping from names to entries' });
    return {};
  }
  const resolved: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(given)) {
    const entryPath = join(path, name);
    if (field.names !== undefined && !field.names.test(name)) {
      problems.push({ path: entryPath, value: name, expected: `a name ${field.namesExpected ?? `matching ${String(field.names)}`}` });
      continue;
    }
    resolved[name] = decodeField(field.entry, value, field.entry.kind === 'section' ? field.entryDefaults?.() : undefined, entryPath, problems);
  }
  return resolved;
}

function unknownKeyExpectation(key: string, known: readonly string[]): string {
  const suggestion = closestKey(key, known);
  const hint = suggestion === undefined ? '' : ` (did you mean ${suggestion}?)`;
  return `one of the known keys: ${known.join(', ')}${hint}`;
}

function isMapping(value: unknown): value is Mapping {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}
