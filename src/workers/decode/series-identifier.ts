import type { SeriesDefinition, SeriesParts } from '../../model/index.js';
import { identify } from '../../model/index.js';
import type { AttributeProcessors } from '../../processors/index.js';
import type { DecodeLimits } from './decode-limits.js';
import { labelProblem, truncateValues } from './label-limits.js';

/** What a worker makes of a series it has not seen: its definition, why its points are rejected, or the rule that drops it. */
export type Identified =
  | { readonly kind: 'ok'; readonly def: SeriesDefinition; /** Rules (by position) that changed it. */ readonly hits: readonly number[] }
  | { readonly kind: 'error'; readonly error: string; /** The limit it breaks, for counting ('' when not a limit). */ readonly limit: string }
  | { readonly kind: 'drop'; readonly rule: number };

/**
 * Decoded parts to a series identity, in the order that keeps personal data off the disk:
 * the attribute processors first (so definitions, WAL and index hold only what they leave),
 * then label truncation, the identity with the attribute limits, and the label limits on the
 * Prometheus labels the series will have.
 */
export class SeriesIdentifier {
  readonly limits: DecodeLimits;
  readonly processors: AttributeProcessors | null;
  /** Told what identifying a series allocates (its parts and definition), before it does; may throw. */
  meter: ((bytes: number) => void) | null = null;

  constructor(limits: DecodeLimits, processors: AttributeProcessors | null) {
    this.limits = limits;
    this.processors = processors !== null && processors.size > 0 ? processors : null;
  }

  identify(decoded: SeriesParts): Identified {
    this.meter?.(identityBytes(decoded));
    let parts = decoded;
    let hits: readonly number[] = NONE;
    if (this.processors !== null) {
      const processed = this.processors.process(parts);
      if (processed.drop) return { kind: 'drop', rule: processed.rule };
      parts = processed.parts;
      hits = processed.hits;
    }
    const l = this.limits;
    if (l.labelValueOverflow === 'truncate') parts = truncateValues(parts, l.maxLabelValueLength);
    const id = identify(parts, l);
    if (!id.ok) return { kind: 'error', error: id.error, limit: id.limit ?? '' };
    const problem = labelProblem(id.def, l);
    return problem === null ? { kind: 'ok', def: id.def, hits } : { kind: 'error', ...problem };
  }
}

const NONE: readonly number[] = [];

/**
 * Heap an identity costs, estimated from its decoded parts: two bytes a character of their
 * strings (the definition's labels share them) and ~400 bytes of objects, arrays and cache
 * entries around them.
 */
function identityBytes(parts: SeriesParts): number {
  let chars = parts.name.length + parts.description.length + parts.unit.length;
  for (const [k, v] of parts.resource) chars += k.length + v.length;
  for (const [k, v] of parts.attributes) chars += k.length + v.length;
  return 400 + 2 * chars;
}
