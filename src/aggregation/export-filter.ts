import type { AggregationRuleConfig } from '../config/index.js';
import type { SeriesDefinition } from '../model/index.js';
import { HashMap64 } from '../model/index.js';
import { baseLabels, prometheusName, withName } from '../store/index.js';
import type { Rule } from './rule.js';
import { compileRule, matches, outputIndex } from './rule.js';

/** Series decisions kept before the cache starts over (memory bound). */
const CACHE_LIMIT = 1 << 20;

/**
 * What the exporters leave out because of the aggregation rules (docs/aggregation.md, "What
 * `to` and `keep_input` do"): an output of a rule whose `to` does not name `exporters`, and an
 * input that rules with `keep_input: false` take whole — every Prometheus series it flattens to
 * (a histogram's `_bucket`, `_sum` and `_count`) matches one of them. Both stay in the WAL,
 * where aggregation needs them after a crash. Null when no rule leaves anything out.
 */
export function exportFilter(configs: readonly AggregationRuleConfig[]): ((def: SeriesDefinition) => boolean) | null {
  const rules = configs.map((c, i) => compileRule(c, i));
  const notExported = rules.filter((r) => !r.toExporters);
  const dropInputs = rules.filter((r) => !r.keepInput);
  if (notExported.length === 0 && dropInputs.length === 0) return null;
  const decided = new HashMap64<boolean>(1024);
  let size = 0;
  return (def) => {
    const known = decided.get(def.hashHi, def.hashLo);
    if (known !== undefined) return known;
    const out = leftOut(def, notExported, dropInputs);
    if (++size > CACHE_LIMIT) {
      decided.clear();
      size = 1;
    }
    decided.set(def.hashHi, def.hashLo, out);
    return out;
  };
}

function leftOut(def: SeriesDefinition, notExported: readonly Rule[], dropInputs: readonly Rule[]): boolean {
  const name = prometheusName(def);
  if ((def.kind === 'gauge' || def.kind === 'sum') && notExported.some((r) => outputIndex(r, name) >= 0)) return true;
  if (dropInputs.length === 0) return false;
  const base = baseLabels(def);
  // `le` and `quantile` are left out of the labels matched: a rule that needs them takes only part of the series.
  return flatNames(def.kind, name).every((n) => {
    const labels = withName(base, n);
    return dropInputs.some((r) => matches(r, labels));
  });
}

/** The Prometheus names a series of this kind flattens to (docs/store.md). */
function flatNames(kind: SeriesDefinition['kind'], name: string): string[] {
  switch (kind) {
    case 'histogram':
    case 'exponential_histogram':
      return [`${name}_bucket`, `${name}_sum`, `${name}_count`];
    case 'summary':
      return [name, `${name}_sum`, `${name}_count`];
    default:
      return [name];
  }
}
