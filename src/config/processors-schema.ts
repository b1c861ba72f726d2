import RE2 from 're2';
import { decodeSection } from './decode.js';
import type { CustomField, SectionField } from './field.js';
import type { ConfigProblem } from './problem.js';
import type { ProcessorConfig } from './types.js';

type Mapping = Readonly<Record<string, unknown>>;

const LEVELS = { kind: 'list', values: ['resource', 'point'] } as const;
const REGEX = { kind: 'string' } as const;

/** The keys of each rule type and their defaults (the defaults file shows the same). */
const RULES: Readonly<Record<ProcessorConfig['type'], { readonly schema: SectionField; readonly defaults: Mapping; readonly regexes: readonly string[] }>> = {
  redact: {
    schema: {
      kind: 'section',
      fields: {
        patterns: { kind: 'list', values: ['email', 'ipv4', 'ipv6', 'credit_card', 'bearer'] },
        custom: { kind: 'list' },
        mode: { kind: 'enum', values: ['mask', 'hash'] },
        mask: { kind: 'string', nonEmpty: true },
        hash_key_file: { kind: 'string' },
        keys: REGEX,
        levels: LEVELS,
      },
    },
    defaults: { patterns: [], custom: [], mode: 'mask', mask: '****', hash_key_file: '', keys: '', levels: ['resource', 'point'] },
    regexes: ['keys'],
  },
  drop_attributes: { schema: { kind: 'section', fields: { keys: { kind: 'string', nonEmpty: true }, levels: LEVELS } }, defaults: { levels: ['resource', 'point'] }, regexes: ['keys'] },
  keep_attributes: { schema: { kind: 'section', fields: { keys: { kind: 'string', nonEmpty: true }, levels: LEVELS } }, defaults: { levels: ['point'] }, regexes: ['keys'] },
  rename: {
    schema: { kind: 'section', fields: { from: { kind: 'string', nonEmpty: true }, to: { kind: 'string', nonEmpty: true }, levels: LEVELS } },
    defaults: { levels: ['resource', 'point'] },
    regexes: [],
  },
  // `attributes` is a free mapping, decoded below; the section only carries `level`.
  set: { schema: { kind: 'section', fields: { level: { kind: 'enum', values: ['resource', 'point'] } } }, defaults: { level: 'point' }, regexes: [] },
  drop_metrics: { schema: { kind: 'section', fields: { names: { kind: 'string', nonEmpty: true } } }, defaults: {}, regexes: ['names'] },
};
const TYPES = Object.keys(RULES);

/** `processors:`: a list of one-key mappings, `- redact: {...}`, each rule checked like a section. */
export const processorsField: CustomField<readonly ProcessorConfig[]> = {
  kind: 'custom',
  decode(raw, path, problems) {
    const list = raw ?? [];
    if (!Array.isArray(list)) {
      problems.push({ path, value: raw, expected: `a list of rules, each one of: ${TYPES.join(', ')}` });
      return undefined;
    }
    const before = problems.length;
    const rules = list.map((item, i) => decodeRule(item, `${path}[${i}]`, problems));
    return problems.length > before ? undefined : (rules as ProcessorConfig[]);
  },
};

function decodeRule(item: unknown, path: string, problems: ConfigProblem[]): ProcessorConfig | undefined {
  const keys = isMapping(item) ? Object.keys(item) : [];
  const type = keys[0];
  if (keys.length !== 1 || type === undefined || !Object.hasOwn(RULES, type)) {
    problems.push({ path, value: item, expected: `a mapping with one key, one of: ${TYPES.join(', ')}` });
    return undefined;
  }
  const rule = RULES[type as ProcessorConfig['type']];
  const rulePath = `${path}.${type}`;
  const body = (item as Mapping)[type] ?? {};
  const { attributes, ...rest } = isMapping(body) ? body : { attributes: undefined };
  const decoded = decodeSection(rule.schema, type === 'set' ? rest : body, rule.defaults, rulePath, problems);
  for (const key of rule.regexes) checkRegex(decoded[key], `${rulePath}.${key}`, problems);
  if (type === 'redact') {
    for (const [i, re] of ((decoded['custom'] as string[] | undefined) ?? []).entries()) checkRegex(re, `${rulePath}.custom[${i}]`, problems);
    const patterns = (decoded['patterns'] as string[] | undefined) ?? [];
    const custom = (decoded['custom'] as string[] | undefined) ?? [];
    if (patterns.length + custom.length === 0) problems.push({ path: rulePath, value: body, expected: 'at least one of patterns or custom' });
    if (decoded['mode'] === 'hash' && decoded['hash_key_file'] === '') problems.push({ path: `${rulePath}.hash_key_file`, value: '', expected: 'a file holding the HMAC key (mode: hash)' });
  }
  if (type === 'set') return { type: 'set', level: decoded['level'] as 'resource' | 'point', attributes: decodeAttributes(attributes, `${rulePath}.attributes`, problems) };
  return { type, ...decoded } as unknown as ProcessorConfig;
}

function decodeAttributes(raw: unknown, path: string, problems: ConfigProblem[]): [string, string][] {
  if (!isMapping(raw) || Object.keys(raw).length === 0) {
    problems.push({ path, value: raw, expected: 'a non-empty mapping of attribute names to values' });
    return [];
  }
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out.push([k, String(v)]);
    else problems.push({ path: `${path}.${k}`, value: v, expected: 'a string, number or boolean' });
  }
  return out;
}

/** Regexes run in RE2 (linear time, no backreferences or lookaround): refuse what it cannot compile. */
function checkRegex(source: unknown, path: string, problems: ConfigProblem[]): void {
  if (typeof source !== 'string' || source === '') return;
  try {
    new RE2(source, 'u');
  } catch (err) {
    problems.push({ path, value: source, expected: `an RE2 regular expression (${(err as Error).message})` });
  }
}

function isMapping(value: unknown): value is Mapping {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
