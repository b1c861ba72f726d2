import { compareStrings } from '../label-order.js';
import type { LabelPairs } from '../querier.js';

export const METRIC_NAME = '__name__';

export function getLabel(labels: LabelPairs, name: string): string {
  for (const [k, v] of labels) if (k === name) return v;
  return '';
}

export function withoutName(labels: LabelPairs): LabelPairs {
  return labels.some(([k]) => k === METRIC_NAME) ? labels.filter(([k]) => k !== METRIC_NAME) : labels;
}

/** The set with `name` set to `value` (removed when empty, as Prometheus' label builder does), sorted. */
export function setLabel(labels: LabelPairs, name: string, value: string): LabelPairs {
  const out = labels.filter(([k]) => k !== name);
  if (value !== '') {
    out.push([name, value]);
    out.sort((a, b) => compareStrings(a[0], b[0]));
  }
  return out;
}

export function keepLabels(labels: LabelPairs, names: ReadonlySet<string>): LabelPairs {
  return labels.filter(([k]) => names.has(k));
}

export function dropLabels(labels: LabelPairs, names: ReadonlySet<string>): LabelPairs {
  return labels.filter(([k]) => !names.has(k));
}

/** An exact key of a label set (used for maps; JSON keeps every character distinct). */
export function labelsKey(labels: LabelPairs): string {
  return JSON.stringify(labels);
}

/** The key of the values of `names` (or of every label but `names` when `without`). */
export function signature(labels: LabelPairs, names: ReadonlySet<string>, without: boolean): string {
  let key = '';
  for (const [k, v] of labels) if (names.has(k) !== without) key += `${k}\u0000${v}\u0001`;
  return key;
}

/** Prometheus' text form of a label set: `{a="1", b="2"}`, the name first when there is one. */
export function formatLabels(labels: LabelPairs): string {
  const name = getLabel(labels, METRIC_NAME);
  const rest = labels.filter(([k]) => k !== METRIC_NAME).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return `${name}{${rest.join(', ')}}`;
}

/** Prometheus' labels.String: `{__name__="x", a="1"}`. */
export function labelsString(labels: LabelPairs): string {
  return `{${labels.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')}}`;
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Go's %q of a string: bytes that were not UTF-8 (kept as U+DC80–U+DCFF) print as `\xNN`. */
export function goQuote(s: string): string {
  return JSON.stringify(s).replace(/\\udc([89a-f][0-9a-f])/gi, (_, hex: string) => `\\x${hex.toLowerCase()}`);
}

/** Prometheus 3 accepts any valid UTF-8 label name; the legacy check is for messages only. */
export function isValidLabelName(name: string): boolean {
  return name !== '' && !/[\uD800-\uDFFF]/.test(name.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ''));
}

export function isLegacyLabelName(name: string): boolean {
  return LABEL_NAME.test(name);
}
