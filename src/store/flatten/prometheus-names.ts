import type { SeriesDefinition } from '../../model/index.js';

/**
 * OpenTelemetry-to-Prometheus naming, as Prometheus' own OTLP translator does it by default
 * (underscore escaping with unit and type suffixes): `http.server.duration` in `s` as a
 * histogram becomes `http_server_duration_seconds_bucket` / `_sum` / `_count`, a monotonic
 * cumulative sum gets `_total`, a gauge in `1` gets `_ratio`.
 */

const MAIN_UNITS: Readonly<Record<string, string>> = {
  d: 'days', h: 'hours', min: 'minutes', s: 'seconds', ms: 'milliseconds', us: 'microseconds', ns: 'nanoseconds',
  By: 'bytes', KiBy: 'kibibytes', MiBy: 'mebibytes', GiBy: 'gibibytes', TiBy: 'tebibytes',
  KBy: 'kilobytes', MBy: 'megabytes', GBy: 'gigabytes', TBy: 'terabytes',
  m: 'meters', V: 'volts', A: 'amperes', J: 'joules', W: 'watts', g: 'grams', Cel: 'celsius', Hz: 'hertz', '%': 'percent',
};
const PER_UNITS: Readonly<Record<string, string>> = { s: 'second', m: 'minute', h: 'hour', d: 'day', w: 'week', mo: 'month', y: 'year' };

/** Replaces every character Prometheus does not allow in a metric name with `_`. */
export function sanitizeMetricName(name: string): string {
  let out = name.replace(/[^a-zA-Z0-9_:]/g, '_').replace(/__+/g, '_');
  if (/^[0-9]/.test(out)) out = `_${out}`;
  return out;
}

/** Label names: `[a-zA-Z_][a-zA-Z0-9_]*`; a leading digit gets a `key_` prefix. */
export function sanitizeLabelName(name: string): string {
  let out = name.replace(/[^a-zA-Z0-9_]/g, '_');
  if (/^[0-9]/.test(out)) out = `key_${out}`;
  return out === '' ? '_' : out;
}

/** The unit suffix for a metric, or '' (annotations in braces are dropped). */
export function unitSuffix(unit: string, kind: SeriesDefinition['kind']): string {
  const bare = unit.replace(/\{[^}]*\}/g, '').trim();
  if (bare === '1') return kind === 'gauge' ? 'ratio' : '';
  if (bare === '') return '';
  const [main = '', per] = bare.split('/', 2);
  const parts: string[] = [];
  if (main !== '') parts.push(MAIN_UNITS[main] ?? main);
  if (per !== undefined && per !== '') parts.push('per', PER_UNITS[per] ?? MAIN_UNITS[per] ?? per);
  return sanitizeMetricName(parts.join('_')).replace(/^_+|_+$/g, '');
}

/** The base Prometheus name of an OTel series (before `_bucket`/`_sum`/`_count`). */
export function prometheusName(def: SeriesDefinition): string {
  let name = sanitizeMetricName(def.name);
  const tokens = name.split('_');
  const suffix = unitSuffix(def.unit, def.kind);
  if (suffix !== '' && !endsWithTokens(tokens, suffix.split('_'))) name = `${name}_${suffix}`;
  const counter = def.kind === 'sum' && def.monotonic && def.temporality === 'cumulative';
  if (counter && !name.endsWith('_total')) name = `${name}_total`;
  return name;
}

function endsWithTokens(tokens: readonly string[], suffix: readonly string[]): boolean {
  if (suffix.length > tokens.length) return false;
  return suffix.every((t, i) => tokens[tokens.length - suffix.length + i] === t);
}
