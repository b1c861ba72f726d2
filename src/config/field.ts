import type { ConfigProblem } from './problem.js';

/** Declarative description of one configuration key. */

/** A byte size; see parseBytes. Sizes that bound a buffer set `positive`. */
export interface BytesField {
  readonly kind: 'bytes';
  readonly positive?: boolean;
}
/** A duration in milliseconds; see parseDuration. `long` lifts the timer cap (retention ages). */
export interface DurationField {
  readonly kind: 'duration';
  readonly long?: boolean;
  /** Shortest accepted, in ms (a scrape interval of 0 would spin). */
  readonly min?: number;
}
/** A filesystem path (non-empty, no NUL). */
export interface PathField {
  readonly kind: 'path';
}
/** A `host:port` listen address; see parseEndpoint. */
export interface EndpointField {
  readonly kind: 'endpoint';
}
/** An integer in `[min, max]`; no `max` means unbounded above. */
export interface IntField {
  readonly kind: 'int';
  readonly min: number;
  readonly max?: number;
}
export interface BoolField {
  readonly kind: 'bool';
}
export interface EnumField<T extends string = string> {
  readonly kind: 'enum';
  readonly values: readonly T[];
}
/**
 * A YAML sequence of strings, replacing the default list as a whole. With `values` every
 * entry must be one of them; entries must be distinct either way.
 */
export interface ListField<T extends string = string> {
  readonly kind: 'list';
  readonly values?: readonly T[];
  /** Entries must be absolute paths. */
  readonly absolutePaths?: boolean;
  /** Entries are secrets (tokens): problems never show them. */
  readonly secret?: boolean;
}
/** Any string (header values, names); `nonEmpty` refuses ''. */
export interface StringField {
  readonly kind: 'string';
  readonly nonEmpty?: boolean;
  /** A secret (a token, a header value): problems never show it. */
  readonly secret?: boolean;
}
/**
 * A value with a shape of its own (the processors list, the aggregation rules), decoded by `decode`, which reports
 * problems under `path` itself and returns undefined when there were any.
 */
export interface CustomField<T = unknown> {
  readonly kind: 'custom';
  readonly decode: (raw: unknown, path: string, problems: ConfigProblem[]) => T | undefined;
}
/**
 * A mapping from names the user chooses (`exporters.<name>`, `headers.<name>`) to entries of one
 * shape. The given mapping replaces the default one as a whole; a section entry takes the keys
 * it leaves out from `entryDefaults` (keys absent there are required).
 */
export interface MapField {
  readonly kind: 'map';
  readonly entry: Field;
  readonly entryDefaults?: () => unknown;
  /** Entry names must match this (e.g. to become a safe file name); `namesExpected` says how. */
  readonly names?: RegExp;
  readonly namesExpected?: string;
}
/** A mapping; absent or `null` means "all defaults". */
export interface SectionField {
  readonly kind: 'section';
  readonly fields: Readonly<Record<string, Field>>;
}

export type LeafField = BytesField | DurationField | EndpointField | PathField | StringField | IntField | BoolField | EnumField | ListField;
export type Field = LeafField | SectionField | CustomField | MapField;

/**
 * The field shapes allowed to describe a value of type T. Typing the schema
 * table as `FieldFor<Config>` makes the compiler reject a table that misses a
 * key, invents one, or gives a key a kind producing the wrong type — which is
 * what makes the single cast from decoded data to Config sound.
 * (Tuples stop `boolean` and string unions from distributing.)
 */
export type FieldFor<T> = [T] extends [readonly (infer E extends string)[]]
  ? ListField<E>
  : [T] extends [readonly object[]]
  ? CustomField<T>
  : [T] extends [boolean]
  ? BoolField
  : [T] extends [Readonly<Record<string, infer V>>]
    ? string extends keyof T
      ? MapField & { readonly entry: FieldFor<V> }
      : FieldForObject<T>
  : [T] extends [number]
    ? BytesField | DurationField | IntField
    : [T] extends [string]
      ? string extends T
        ? EndpointField | PathField | StringField
        : EnumField<T & string>
      : FieldForObject<T>;
type FieldForObject<T> = { readonly kind: 'section'; readonly fields: { readonly [K in keyof T]-?: FieldFor<T[K]> } };
