import { join } from 'node:path';
import type { Logger } from '../../log/index.js';
import type { DecodedRollupPage } from '../encoding/index.js';
import { decodeRollupPage } from '../encoding/index.js';
import type { PageLocation } from '../ring/index.js';
import { DatafileRing } from '../ring/index.js';
import type { PageEntry } from '../series/index.js';
import { PageTable } from '../series/index.js';
import type { TierSettings } from './tier-settings.js';

/** A rollup page to write: its series, the raw sample times it covers and its rows. */
export interface TierPage {
  readonly ref: number;
  /** First and last raw sample time the rows cover (stale markers included). */
  readonly minT: number;
  readonly maxT: number;
  readonly rows: number;
  readonly bytes: Uint8Array;
}

export interface TierRingOptions {
  readonly storePath: string;
  readonly settings: TierSettings;
  readonly compress: (raw: Uint8Array) => Promise<Uint8Array>;
  readonly decompress: (bytes: Uint8Array, rawLength: number) => Uint8Array | Promise<Uint8Array>;
  readonly logger: Logger;
}

/**
 * One tier on disk: `tier1/` or `tier2/`, a ring of the datafile format with the tier number in
 * every header (docs/format/datafile.md), holding rollup pages (docs/format/rollup-page.md),
 * and the index of its pages by series. A page descriptor's minT/maxT are the raw sample
 * times its rows cover and its count is its rows.
 */
export class TierRing {
  readonly settings: TierSettings;
  readonly ring: DatafileRing;
  readonly #pages = new PageTable();
  /** Series with pages, for catch-up after a restart (a series whose pages all went stays: it then has none). */
  readonly #refs = new Set<number>();

  private constructor(settings: TierSettings, ring: DatafileRing) {
    this.settings = settings;
    this.ring = ring;
  }

  static async open(o: TierRingOptions): Promise<{ tier: TierRing; datafilesDropped: number; journalEntriesSkipped: number }> {
    const dir = join(o.storePath, `tier${o.settings.level}`);
    const opened = await DatafileRing.open({ dir, datafileBytes: o.settings.datafileBytes, compress: o.compress, decompress: o.decompress, logger: o.logger, tier: o.settings.level });
    const tier = new TierRing(o.settings, opened.ring);
    for (const { meta, location } of opened.pages) tier.#index(meta.seriesRef, meta, location);
    return { tier, datafilesDropped: opened.stats.datafilesDropped, journalEntriesSkipped: opened.stats.journalEntriesSkipped };
  }

  /** Appends the pages as one extent and indexes them. */
  async append(pages: readonly TierPage[]): Promise<void> {
    const toWrite = pages.map((p) => ({ meta: { seriesRef: p.ref, minT: p.minT, maxT: p.maxT, count: p.rows }, bytes: p.bytes }));
    const locations = await this.ring.appendExtent(toWrite);
    locations.forEach((loc, k) => this.#index(pages[k]!.ref, toWrite[k]!.meta, loc));
  }

  /** Pages of `ref` whose covered samples overlap [minT, maxT], oldest first. */
  overlapping(ref: number, minT: number, maxT: number): PageEntry[] {
    return this.#pages.overlapping(ref, minT, maxT);
  }

  async read(entry: PageEntry): Promise<DecodedRollupPage> {
    return decodeRollupPage(await this.readBytes(entry));
  }

  readBytes(entry: PageEntry): Promise<Uint8Array> {
    return this.ring.readPage(entry.location as PageLocation);
  }

  /** Newest raw sample time the written pages of `ref` cover, or -Infinity. */
  writtenMaxT(ref: number): number {
    return this.#pages.maxT(ref);
  }

  refs(): ReadonlySet<number> {
    return this.#refs;
  }

  sizeBytes(): number {
    return this.ring.sizeBytes();
  }

  /** Deletes the oldest datafile; false when only the newest is left. */
  async deleteOldest(): Promise<boolean> {
    const gone = await this.ring.deleteOldest();
    if (gone === null) return false;
    this.#pages.dropFile(gone.file);
    return true;
  }

  async deleteOlderThan(minT: number): Promise<void> {
    for (const file of await this.ring.deleteOlderThan(minT)) this.#pages.dropFile(file);
  }

  #index(ref: number, meta: { minT: number; maxT: number; count: number }, location: PageLocation): void {
    this.#pages.add(ref, { minT: meta.minT, maxT: meta.maxT, count: meta.count, file: Number(location.file), location });
    this.#refs.add(ref);
  }
}
