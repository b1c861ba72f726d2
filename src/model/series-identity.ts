import type { Labels, SeriesDefinition } from './series.js';
import { hashOut, hashStrings } from './hash.js';

/** Limits applied to every attribute set; a point breaking one is rejected, not truncated. */
export interface AttributeLimits {
  readonly maxAttributeBytes: number;
  readonly maxAttributes: number;
}

/** The decoded parts of a series before it has a hash: attribute sets as received. */
export type SeriesParts = Omit<SeriesDefinition, 'hashHi' | 'hashLo' | 'resource' | 'attributes'> & {
  readonly resource: [string, string][];
  readonly attributes: [string, string][];
};

export type IdentityResult = { readonly ok: true; readonly def: SeriesDefinition } | { readonly ok: false; readonly error: string };

/**
 * Validates the parts and gives the series its canonical identity: attribute sets sorted by
 * key (a later duplicate key wins, as in the OTel SDKs), description left out.
 */
export function identify(parts: SeriesParts, limits: AttributeLimits): IdentityResult {
  if (parts.name === '') return { ok: false, error: 'metric name is empty' };
  const resource = canonicalLabels(parts.resource, 'resource', limits);
  if (typeof resource === 'string') return { ok: false, error: resource };
  const attributes = canonicalLabels(parts.attributes, 'data point', limits);
  if (typeof attributes === 'string') return { ok: false, error: attributes };
  const strings: string[] = [
    parts.name,
    parts.kind,
    parts.temporality,
    parts.monotonic ? '1' : '0',
    parts.unit,
    parts.scopeName,
    parts.scopeVersion,
    '\u0001',
  ];
  for (const [k, v] of resource) strings.push(k, v);
  strings.push('\u0002');
  for (const [k, v] of attributes) strings.push(k, v);
  hashStrings(strings);
  return {
    ok: true,
    def: {
      hashHi: hashOut.hi,
      hashLo: hashOut.lo,
      name: parts.name,
      kind: parts.kind,
      temporality: parts.temporality,
      monotonic: parts.monotonic,
      unit: parts.unit,
      description: parts.description,
      resource,
      scopeName: parts.scopeName,
      scopeVersion: parts.scopeVersion,
      attributes,
    },
  };
}

function canonicalLabels(pairs: [string, string][], where: string, limits: AttributeLimits): Labels | string {
  if (pairs.length > limits.maxAttributes) {
    return `${where} has ${pairs.length} attributes, more than the limit of ${limits.maxAttributes}`;
  }
  const byKey = new Map<string, string>();
  for (const [k, v] of pairs) {
    if (k === '') return `${where} attribute with an empty key`;
    if (k.length > limits.maxAttributeBytes || Buffer.byteLength(k) > limits.maxAttributeBytes) {
      return `${where} attribute key longer than ${limits.maxAttributeBytes} bytes`;
    }
    if (v.length > limits.maxAttributeBytes || Buffer.byteLength(v) > limits.maxAttributeBytes) {
      return `${where} attribute "${k.slice(0, 64)}" has a value longer than ${limits.maxAttributeBytes} bytes`;
    }
    byKey.set(k, v);
  }
  return [...byKey.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}
