import RE2 from 're2';
import type { AttributeLevel, ProcessorConfig, RedactPattern } from '../config/index.js';
import type { SeriesParts } from '../model/index.js';
import type { ValuePattern } from './patterns.js';
import { PATTERNS } from './patterns.js';
import type { Replacement } from './redactor.js';
import { Redactor } from './redactor.js';

type Pairs = [string, string][];

/** One compiled rule: changes attribute pairs at its levels, or says the metric is dropped. */
export interface Rule {
  /** `<position>:<type>`, 1-based, as the metrics label it. */
  readonly label: string;
  readonly levels: readonly AttributeLevel[];
  /** The pairs after the rule (the same array when nothing changed); never called for drop_metrics. */
  pairs(pairs: Pairs): Pairs;
  /** drop_metrics: whether a metric of this name is dropped. */
  drops(name: string): boolean;
  /** For `cairn check-config`: the rule as it runs. */
  readonly description: string;
}

/** Built-ins run in this order whatever order they are listed in: a token or an e-mail may contain an address. */
const PATTERN_ORDER: readonly RedactPattern[] = ['bearer', 'email', 'ipv6', 'ipv4', 'credit_card'];

/** Compiles one rule; `hashKey` is the contents of a redact rule's hash_key_file. */
export function compileRule(c: ProcessorConfig, position: number, hashKey: Uint8Array | undefined): Rule {
  const label = `${position}:${c.type}`;
  const never = (): boolean => false;
  switch (c.type) {
    case 'redact': {
      const patterns: ValuePattern[] = [...PATTERN_ORDER.filter((p) => c.patterns.includes(p)).map((p) => PATTERNS[p]), ...c.custom.map((source) => ({ source }))];
      const replacement: Replacement = c.mode === 'hash' ? { mode: 'hash', key: hashKey ?? new Uint8Array(0) } : { mode: 'mask', mask: c.mask };
      const redactor = new Redactor(patterns, replacement);
      const keys = c.keys === '' ? null : new RE2(c.keys, 'u');
      const names = [...PATTERN_ORDER.filter((p) => c.patterns.includes(p)), ...c.custom.map((s) => `/${s}/`)];
      return {
        label,
        levels: c.levels,
        drops: never,
        pairs: (pairs) => mapValues(pairs, (k, v) => (keys === null || keys.test(k) ? redactor.redact(v) : v)),
        description: `redact ${names.join(', ')} in ${keys === null ? 'every value' : `values of keys matching /${c.keys}/`} at ${c.levels.join(', ')}, ${c.mode === 'hash' ? 'as hmac:<16 hex> (HMAC-SHA256)' : `as ${JSON.stringify(c.mask)}`}`,
      };
    }
    case 'drop_attributes':
    case 'keep_attributes': {
      const re = new RE2(c.keys, 'u');
      const keep = c.type === 'keep_attributes';
      return {
        label,
        levels: c.levels,
        drops: never,
        pairs: (pairs) => (pairs.every(([k]) => re.test(k) === keep) ? pairs : pairs.filter(([k]) => re.test(k) === keep)),
        description: `${keep ? 'keep only' : 'drop'} attributes whose key matches /${c.keys}/ at ${c.levels.join(', ')}`,
      };
    }
    case 'rename':
      return {
        label,
        levels: c.levels,
        drops: never,
        // The renamed value wins over an attribute that already had the new name.
        pairs: (pairs) => (pairs.some(([k]) => k === c.from) ? pairs.filter(([k]) => k !== c.to).map(([k, v]) => [k === c.from ? c.to : k, v]) : pairs),
        description: `rename ${c.from} to ${c.to} at ${c.levels.join(', ')}`,
      };
    case 'set': {
      const keys = new Set(c.attributes.map(([k]) => k));
      return {
        label,
        levels: [c.level],
        drops: never,
        pairs: (pairs) => {
          const kept = pairs.filter(([k]) => !keys.has(k));
          const set = c.attributes.map(([k, v]): [string, string] => [k, v]);
          return kept.length + set.length === pairs.length && set.every(([k, v]) => pairs.some(([pk, pv]) => pk === k && pv === v)) ? pairs : [...kept, ...set];
        },
        description: `set ${c.attributes.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')} at ${c.level}`,
      };
    }
    case 'drop_metrics': {
      const re = new RE2(c.names, 'u');
      return { label, levels: [], drops: (name) => re.test(name), pairs: (p) => p, description: `drop metrics whose name matches /${c.names}/` };
    }
  }
}

/** Applies a rule to the levels it names; null when nothing changed. */
export function applyRule(rule: Rule, parts: SeriesParts): SeriesParts | null {
  let { resource, attributes } = parts;
  if (rule.levels.includes('resource')) resource = rule.pairs(resource);
  if (rule.levels.includes('point')) attributes = rule.pairs(attributes);
  return resource === parts.resource && attributes === parts.attributes ? null : { ...parts, resource, attributes };
}

function mapValues(pairs: Pairs, f: (k: string, v: string) => string): Pairs {
  let out: Pairs | null = null;
  for (let i = 0; i < pairs.length; i++) {
    const [k, v] = pairs[i]!;
    const next = f(k, v);
    if (next !== v) (out ??= pairs.slice())[i] = [k, next];
  }
  return out ?? pairs;
}
