import { executionError } from '../errors.js';
import { labelsKey } from './labels.js';
import type { StepSeries } from './values.js';

export function duplicateLabelset(): Error {
  return executionError('vector cannot contain metrics with the same labelset');
}

/**
 * Series that ended up with the same labels become one, as long as they never hold a value at
 * the same step; a collision is Prometheus' "same labelset" error. The first series' flags win,
 * except that a dropped name on any of them is dropped for all.
 */
export function mergeSameLabels(series: StepSeries[]): StepSeries[] {
  const byKey = new Map<string, StepSeries>();
  const out: StepSeries[] = [];
  for (const s of series) {
    const key = labelsKey(s.labels);
    const first = byKey.get(key);
    if (first === undefined) {
      byKey.set(key, s);
      out.push(s);
      continue;
    }
    for (let i = 0; i < s.present.length; i++) {
      if (s.present[i] === 0) continue;
      if (first.present[i] === 1) throw duplicateLabelset();
      first.present[i] = 1;
      first.values[i] = s.values[i]!;
    }
  }
  return out;
}
