import { join } from 'node:path';
import type { Logger } from '../../log/index.js';
import type { DecodedRollupPage } from '../encoding/index.js';
import { decodeRollupPage } from '../encoding/index.js';
import type { PageLocation } from '../ring/index.js';
import { DatafileRing } from '../ring/index.js';
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
 * indexed by series in the ring's page index. A page descriptor's minT/maxT are the raw sample
 * times its rows cover and its count is its rows; the index keeps each series' newest time
 * exactly and page times rounded outward to whole seconds.
 */
export class TierRing {
  readonly settings: TierSettings;
  readonly ring: DatafileRing;

  private constructor(settings: TierSettings, ring: DatafileRing) {
    this.settings = settings;
    this.ring = ring;
  }

  static async open(o: TierRingOptions): Promise<{ tier: TierRing; datafilesDropped: number; journalEntriesSkipped: number }> {
    const dir = join(o.storePath, `tier${o.settings.level}`);
    const opened = await DatafileRing.open({ dir, datafileBytes: o.settings.datafileBytes, compress: o.compress, decompress: o.decompress, logger: o.logger, tier: o.settings.level });
    const tier = new TierRing(o.settings, opened.ring);
    return { tier, datafilesDropped: opened.stats.datafilesDropped, journalEntriesSkipped: opened.stats.journalEntriesSkipped };
  }

  /** Appends the pages as one extent (the ring indexes them). */
  async append(pages: readonly TierPage[]): Promise<void> {
    await this.ring.appendExtent(pages.map((p) => ({ meta: { seriesRef: p.ref, minT: p.minT, maxT: p.maxT, count: p.rows }, bytes: p.bytes })));
  }

  /** Pages of `ref` that may overlap [minT, maxT] (times rounded outward to seconds), oldest first. */
  overlapping(ref: number, minT: number, maxT: number): PageLocation[] {
    return this.ring.pages.overlapping(ref, minT, maxT);
  }

  /** The oldest raw sample time the pages of `ref` may cover, rounded up to the second's last ms (undefined: no pages). */
  oldestAtMost(ref: number): number | undefined {
    return latestOfSecond(this.ring.pages.pagesOf(ref)[0]?.minT);
  }

  async read(location: PageLocation): Promise<DecodedRollupPage> {
    return decodeRollupPage(await this.readBytes(location));
  }

  readBytes(location: PageLocation): Promise<Uint8Array> {
    return this.ring.readPage(location);
  }

  /** Newest raw sample time the written pages of `ref` cover, or -Infinity. */
  writtenMaxT(ref: number): number {
    return this.ring.pages.maxT(ref);
  }

  /** Series with pages. */
  refs(): number[] {
    return this.ring.pages.refs();
  }

  sizeBytes(): number {
    return this.ring.sizeBytes();
  }

  /** Deletes the oldest datafile; false when only the newest is left. */
  async deleteOldest(): Promise<boolean> {
    return (await this.ring.deleteOldest()) !== null;
  }

  async deleteOlderThan(minT: number): Promise<void> {
    await this.ring.deleteOlderThan(minT);
  }
}

/**
 * The page index keeps a page's first time as its whole second: the last ms of that second is
 * the latest the page's first sample can be (a bound on the safe side for "held from").
 */
function latestOfSecond(second: number | undefined): number | undefined {
  return second === undefined ? undefined : second + 999;
}
