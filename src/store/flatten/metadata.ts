import type { SeriesDefinition } from '../../model/index.js';
import { prometheusName, unitSuffix } from './prometheus-names.js';

/** One metric family's metadata as Prometheus' /api/v1/metadata reports it. */
export interface FamilyMetadata {
  readonly metric: string;
  readonly type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'unknown';
  readonly help: string;
  readonly unit: string;
}

/**
 * The family an OTel series flattens into (its base name, before `_bucket`/`_sum`/`_count`),
 * with the type Prometheus' OTLP translator gives it: monotonic cumulative sums are counters,
 * other sums and gauges gauges, delta sums (stored as received) unknown.
 */
export function familyMetadata(def: SeriesDefinition): FamilyMetadata {
  const type: FamilyMetadata['type'] =
    def.kind === 'gauge'
      ? 'gauge'
      : def.kind === 'sum'
        ? def.temporality === 'delta'
          ? 'unknown'
          : def.monotonic
            ? 'counter'
            : 'gauge'
        : def.kind === 'summary'
          ? 'summary'
          : 'histogram';
  return { metric: prometheusName(def), type, help: def.description, unit: unitSuffix(def.unit, def.kind) };
}
