import type { SeriesDefinition } from '../../model/index.js';
import { HashMap64, SeriesRefTable } from '../../model/index.js';
import type { RecordPair } from './record-pair.js';

/** A definition with the store's reference for it (u32, assigned in order, never reused). */
export type StoredDefinition = SeriesDefinition & { readonly ref: number };

/**
 * The OTel series the store knows: definitions by 64-bit hash and by reference, persisted in
 * `index/definitions.cdf` (docs/format/series.md) so they outlive the WAL records that
 * brought them, and published to the decode workers through a shared hash → reference table.
 */
export class OtelSeries {
  readonly #file: Pick<RecordPair, 'append'>;
  readonly #byHash = new HashMap64<StoredDefinition>(4096);
  #byRef: (StoredDefinition | undefined)[] = [];
  #nextRef = 0;
  readonly table = new SeriesRefTable();
  readonly #pack: (entries: readonly unknown[]) => Uint8Array;

  constructor(file: Pick<RecordPair, 'append'>, pack: (entries: readonly unknown[]) => Uint8Array) {
    this.#file = file;
    this.#pack = pack;
  }

  get count(): number {
    return this.#byHash.size;
  }

  has(hashHi: number, hashLo: number): boolean {
    return this.#byHash.has(hashHi, hashLo);
  }

  byHash(hashHi: number, hashLo: number): StoredDefinition | undefined {
    return this.#byHash.get(hashHi, hashLo);
  }

  byRef(ref: number): StoredDefinition | undefined {
    return this.#byRef[ref];
  }

  /** The reference of the series with this hash, or -1. */
  refOf(hashHi: number, hashLo: number): number {
    return this.#byHash.get(hashHi, hashLo)?.ref ?? -1;
  }

  /** New definitions with the next references (nothing is remembered until `add`; a failed write burns them). */
  assign(defs: readonly SeriesDefinition[]): StoredDefinition[] {
    return defs.map((d) => ({ ...d, ref: this.#nextRef++ }));
  }

  /** Loads definitions read back from disk or the WAL; those without a reference (older files) get the next one. */
  load(defs: readonly (SeriesDefinition & { ref?: number })[]): void {
    for (const d of defs) {
      if (this.#byHash.has(d.hashHi, d.hashLo)) continue;
      this.#remember(d.ref === undefined ? { ...d, ref: this.#nextRef } : (d as StoredDefinition));
    }
  }

  /**
   * Remembers and publishes definitions not known yet (their WAL record is written), then
   * persists them; a failed write is retried by the next `add` or `persist` (the WAL still holds
   * them, and the store persists before it deletes WAL segments). Returns those that were new.
   */
  add(defs: readonly StoredDefinition[]): StoredDefinition[] {
    const fresh = defs.filter((d) => !this.#byHash.has(d.hashHi, d.hashLo));
    for (const d of fresh) this.#remember(d);
    this.#unpersisted.push(...fresh);
    try {
      this.persist();
    } catch {
      // Kept for the next persist (the store's maintenance, or close); the WAL has them meanwhile.
    }
    return fresh;
  }

  /** Writes definitions not yet in the file; throws StoreUnavailableError when the disk refuses. */
  persist(): void {
    if (this.#unpersisted.length === 0) return;
    this.#file.append([this.#pack(this.#unpersisted)]);
    this.#unpersisted = [];
  }

  #unpersisted: StoredDefinition[] = [];

  /**
   * One copy of what many series share: metric and scope strings, attribute keys, and whole
   * resource attribute sets (every series of a service has the same). Definitions decoded from
   * JSON arrive with copies of their own; a million series would hold a million of each.
   */
  #intern(d: StoredDefinition): StoredDefinition {
    const s = (x: string): string => {
      const known = this.#strings.get(x);
      if (known !== undefined) return known;
      this.#strings.set(x, x);
      return x;
    };
    const resourceKey = JSON.stringify(d.resource);
    let resource = this.#resources.get(resourceKey);
    if (resource === undefined) this.#resources.set(resourceKey, (resource = d.resource.map(([k, v]) => [s(k), s(v)] as const)));
    return {
      ...d,
      name: s(d.name),
      unit: s(d.unit),
      description: s(d.description),
      scopeName: s(d.scopeName),
      scopeVersion: s(d.scopeVersion),
      resource,
      attributes: d.attributes.map(([k, v]) => [s(k), v] as const),
    };
  }

  readonly #strings = new Map<string, string>();
  readonly #resources = new Map<string, SeriesDefinition['resource']>();

  #remember(stored: StoredDefinition): void {
    const d = this.#intern(stored);
    this.#byHash.set(d.hashHi, d.hashLo, d);
    if (d.ref >= this.#byRef.length) {
      const grown = new Array<StoredDefinition | undefined>(Math.max(1024, 2 * (d.ref + 1))).fill(undefined);
      for (let i = 0; i < this.#byRef.length; i++) grown[i] = this.#byRef[i];
      this.#byRef = grown;
    }
    this.#byRef[d.ref] = d;
    if (d.ref >= this.#nextRef) this.#nextRef = d.ref + 1;
    this.table.set(d.hashHi, d.hashLo, d.ref);
  }
}
