import type { Config, ConfigProblem } from '../config/index.js';
import { parseSelector } from '../query/index.js';
import { parseOutput } from './outputs.js';

/** What the schema cannot check about `aggregation:` rules. Problems name the key path. */
export function validateAggregation(config: Pick<Config, 'aggregation'>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  config.aggregation.forEach((r, i) => {
    const at = (key: string): string => `aggregation[${i}].${key}`;
    try {
      parseSelector(r.match);
    } catch (err) {
      problems.push({ path: at('match'), value: r.match, expected: `a series selector (${(err as Error).message})` });
    }
    if (r.outputs.length === 0) problems.push({ path: at('outputs'), value: r.outputs, expected: 'at least one output' });
    r.outputs.forEach((o, k) => {
      const parsed = parseOutput(o);
      if (typeof parsed === 'string') problems.push({ path: `${at('outputs')}[${k}]`, value: o, expected: parsed });
    });
    if (r.by.length > 0 && r.without.length > 0) problems.push({ path: at('without'), value: r.without, expected: 'nothing when by is given (by or without, not both)' });
    if (r.to.length === 0) problems.push({ path: at('to'), value: r.to, expected: 'store, exporters or both' });
    if (r.by.includes('__name__') || r.without.includes('__name__')) problems.push({ path: at(r.by.length > 0 ? 'by' : 'without'), value: '__name__', expected: 'label names other than __name__ (the name is always kept)' });
  });
  return problems;
}
