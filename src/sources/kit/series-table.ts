import type { Labels, MetricKind, SeriesDefinition } from '../../model/index.js';
import { identify } from '../../model/index.js';

/** What a locally produced series is, before it has an identity. */
export interface LocalSeriesParts {
  readonly name: string;
  readonly kind: MetricKind;
  readonly monotonic: boolean;
  readonly unit: string;
  readonly description: string;
  readonly attributes: readonly (readonly [string, string])[];
}

/** A resource and scope shared by many local series, keyed once. */
export interface LocalOrigin {
  readonly resource: Labels;
  readonly scopeName: string;
  /** Canonical text of resource + scope, the prefix of every series key. */
  readonly key: string;
}

export function localOrigin(resource: readonly (readonly [string, string])[], scopeName: string): LocalOrigin {
  const sorted = [...resource].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return { resource: sorted, scopeName, key: `${scopeName}\u0001${sorted.map(([k, v]) => `${k}\u0000${v}`).join('\u0000')}` };
}

// Local series are the agent's own; the limits only guard against a pathological host
// (an interface name longer than this is not a real one).
const LIMITS = { maxAttributeBytes: 4096, maxAttributes: 64 };

/**
 * Definitions of the series the agent produces itself (host and self metrics), computed once
 * and reused every interval. Entries unused for a few collections are forgotten, so series
 * that come and go (per-process metrics, vanished interfaces) do not grow it without bound.
 */
export class LocalSeriesTable {
  readonly #byKey = new Map<string, { def: SeriesDefinition; seen: number }>();
  #generation = 0;

  /** The definition for these parts, or an error message when they are not a valid series. */
  definition(origin: LocalOrigin, parts: LocalSeriesParts): SeriesDefinition | string {
    let key = `${origin.key}\u0002${parts.name}\u0000${parts.kind}\u0000${parts.unit}`;
    for (const [k, v] of parts.attributes) key += `\u0000${k}\u0000${v}`;
    const hit = this.#byKey.get(key);
    if (hit !== undefined) {
      hit.seen = this.#generation;
      return hit.def;
    }
    const id = identify(
      {
        name: parts.name,
        kind: parts.kind,
        temporality: parts.kind === 'sum' || parts.kind === 'histogram' ? 'cumulative' : 'unspecified',
        monotonic: parts.monotonic,
        unit: parts.unit,
        description: parts.description,
        resource: origin.resource.map(([k, v]) => [k, v]),
        scopeName: origin.scopeName,
        scopeVersion: '',
        attributes: parts.attributes.map(([k, v]) => [k, v]),
      },
      LIMITS,
    );
    if (!id.ok) return id.error;
    this.#byKey.set(key, { def: id.def, seen: this.#generation });
    return id.def;
  }

  /** Ends a collection: forgets definitions not used in the last `keep` collections. */
  sweep(keep = 3): void {
    this.#generation++;
    for (const [key, entry] of this.#byKey) if (this.#generation - entry.seen > keep) this.#byKey.delete(key);
  }

  get size(): number {
    return this.#byKey.size;
  }
}
