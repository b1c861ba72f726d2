import { decodeSection } from './decode.js';
import type { CustomField, FieldFor, SectionField } from './field.js';
import type { ConfigProblem } from './problem.js';
import type { AggregationRuleConfig, RollupsConfig, RollupTierConfig } from './tiers-types.js';

const tier: FieldFor<RollupTierConfig> = {
  kind: 'section',
  fields: {
    resolution: { kind: 'duration', min: 1000 },
    disk_share: { kind: 'int', min: 1, max: 90 },
    max_age: { kind: 'duration', long: true },
    page_rows: { kind: 'int', min: 2, max: 65536 },
  },
};

/** `rollups:` (docs/tiers.md). Bounds between keys are checked by the store (store/tiers/validate.ts). */
export const rollupsSchema: FieldFor<RollupsConfig> = {
  kind: 'section',
  fields: {
    enabled: { kind: 'bool' },
    gauge_sketches: { kind: 'bool' },
    sketch_compression: { kind: 'int', min: 10, max: 1000 },
    tier1: tier,
    tier2: tier,
  },
};

const rule: SectionField = {
  kind: 'section',
  fields: {
    match: { kind: 'string', nonEmpty: true },
    interval: { kind: 'duration', min: 1000 },
    by: { kind: 'list' },
    without: { kind: 'list' },
    outputs: { kind: 'list' },
    keep_input: { kind: 'bool' },
    to: { kind: 'list', values: ['store', 'exporters'] },
    lag: { kind: 'duration' },
    staleness_interval: { kind: 'duration' },
  },
};

/** What a rule gets for the keys it leaves out (match, interval and outputs have none). */
const RULE_DEFAULTS = { by: [], without: [], keep_input: false, to: ['store', 'exporters'], lag: 10_000, staleness_interval: 0 };

/**
 * `aggregation:`: a list of rules, each checked like a section. What the shapes cannot say
 * (the selector, the outputs, by and without together) is checked by aggregation/validate.ts.
 */
export const aggregationField: CustomField<readonly AggregationRuleConfig[]> = {
  kind: 'custom',
  decode(raw, path, problems: ConfigProblem[]) {
    const list = raw ?? [];
    if (!Array.isArray(list)) {
      problems.push({ path, value: raw, expected: 'a list of aggregation rules' });
      return undefined;
    }
    const before = problems.length;
    const rules = list.map((item, i) => {
      const at = `${path}[${i}]`;
      const given = typeof item === 'object' && item !== null ? (item as Record<string, unknown>) : item;
      for (const key of ['match', 'interval', 'outputs']) {
        if (typeof given !== 'object' || given === null || !Object.hasOwn(given, key)) problems.push({ path: `${at}.${key}`, value: undefined, expected: 'a value (the key is required)' });
      }
      return decodeSection(rule, item, RULE_DEFAULTS, at, problems);
    });
    return problems.length > before ? undefined : (rules as unknown as AggregationRuleConfig[]);
  },
};
