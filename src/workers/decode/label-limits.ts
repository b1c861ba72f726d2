import type { SeriesDefinition, SeriesParts } from '../../model/index.js';
import { baseLabels } from '../../store/flatten/index.js';

/** limits.max_labels_per_series and the label length limits; 0 turns one off. */
export interface LabelLimits {
  readonly maxLabelsPerSeries: number;
  readonly maxLabelNameLength: number;
  readonly maxLabelValueLength: number;
  readonly labelValueOverflow: 'reject' | 'truncate';
}

export const NO_LABEL_LIMITS: LabelLimits = { maxLabelsPerSeries: 0, maxLabelNameLength: 0, maxLabelValueLength: 0, labelValueOverflow: 'reject' };

/**
 * Values cut to the length limit (in UTF-8 bytes, never inside a character) before the
 * identity is computed, for label_value_overflow: truncate. Attribute values of the resource
 * and the point and the scope's name and version, everything a label value is made from.
 */
export function truncateValues(parts: SeriesParts, max: number): SeriesParts {
  if (max === 0) return parts;
  const cut = (pairs: [string, string][]): [string, string][] => (pairs.some(([, v]) => Buffer.byteLength(v) > max) ? pairs.map(([k, v]) => [k, truncateUtf8(v, max)]) : pairs);
  return { ...parts, resource: cut(parts.resource), attributes: cut(parts.attributes), scopeName: truncateUtf8(parts.scopeName, max), scopeVersion: truncateUtf8(parts.scopeVersion, max) };
}

/**
 * Why a series' Prometheus labels break a limit, or null. The labels are those every series of
 * it carries (store/flatten: point attributes, job, instance, scope), plus `__name__`, plus
 * `le` or `quantile` for histograms and summaries: exactly what the store will index.
 */
export function labelProblem(def: SeriesDefinition, limits: LabelLimits): { readonly error: string; readonly limit: string } | null {
  const { maxLabelsPerSeries, maxLabelNameLength, maxLabelValueLength } = limits;
  if (maxLabelsPerSeries === 0 && maxLabelNameLength === 0 && maxLabelValueLength === 0) return null;
  const labels = baseLabels(def);
  const count = labels.size + 1 + (def.kind === 'histogram' || def.kind === 'summary' ? 1 : 0);
  if (maxLabelsPerSeries > 0 && count > maxLabelsPerSeries) return { error: `series has ${count} labels, more than limits.max_labels_per_series (${maxLabelsPerSeries})`, limit: 'max_labels_per_series' };
  for (const [name, value] of labels) {
    if (maxLabelNameLength > 0 && Buffer.byteLength(name) > maxLabelNameLength) return { error: `label name "${name.slice(0, 64)}" is longer than limits.max_label_name_length (${maxLabelNameLength})`, limit: 'max_label_name_length' };
    if (maxLabelValueLength > 0 && Buffer.byteLength(value) > maxLabelValueLength) return { error: `label "${name.slice(0, 64)}" has a value longer than limits.max_label_value_length (${maxLabelValueLength})`, limit: 'max_label_value_length' };
  }
  return null;
}

function truncateUtf8(s: string, max: number): string {
  if (s.length * 3 <= max || Buffer.byteLength(s) <= max) return s;
  const bytes = Buffer.from(s, 'utf8');
  let end = max;
  // Back off continuation bytes (10xxxxxx) so the cut falls on a character boundary.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}
