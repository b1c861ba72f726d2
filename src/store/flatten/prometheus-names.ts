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

/** The unit's name parts: `s/By` → main `seconds`? no: main `bytes`-like word, per `second`-like word. */
function unitWords(unit: string, kind: SeriesDefinition['kind']): { main: string; per: string } {
  const bare = unit.replace(/\{[^}]*\}/g, '').trim();
  if (bare === '1') return { main: kind === 'gauge' ? 'ratio' : '', per: '' };
  if (bare === '') return { main: '', per: '' };
  const [main = '', per = ''] = bare.split('/', 2);
  // A main unit of `1` (as in `1/s`) names nothing; unknown units are kept as written.
  const mainWord = main === '1' ? '' : (MAIN_UNITS[main] ?? main);
  const perWord = per === '' ? '' : (PER_UNITS[per] ?? per);
  return { main: cleanWord(mainWord), per: cleanWord(perWord) };
}

function cleanWord(word: string): string {
  return word.replace(/[^a-zA-Z0-9:]+/g, '_').replace(/^_+|_+$/g, '');
}

/** The unit suffix for a metric (e.g. `bytes_per_second`), or '' (annotations in braces are dropped). */
export function unitSuffix(unit: string, kind: SeriesDefinition['kind']): string {
  const { main, per } = unitWords(unit, kind);
  return [main, per === '' ? '' : `per_${per}`].filter((w) => w !== '').join('_');
}

/**
 * The base Prometheus name of an OTel series (before `_bucket`/`_sum`/`_count`), built on
 * name tokens as Prometheus' translator does: a unit word already in the name is not added
 * again, and a counter's `total` tokens are dropped and one is put last.
 */
export function prometheusName(def: SeriesDefinition): string {
  const tokens = def.name.split(/[^a-zA-Z0-9:]+/).filter((t) => t !== '');
  const { main, per } = unitWords(def.unit, def.kind);
  if (main !== '' && !tokens.includes(main)) tokens.push(main);
  if (per !== '' && !tokens.some((t, k) => t === per && tokens[k - 1] === 'per')) tokens.push('per', per);
  const counter = def.kind === 'sum' && def.monotonic && def.temporality === 'cumulative';
  const named = counter ? [...tokens.filter((t) => t !== 'total'), 'total'] : tokens;
  const name = named.join('_');
  return /^[0-9]/.test(name) ? `_${name}` : name;
}
