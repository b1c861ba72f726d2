import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/index.js';
import { ErrorCodes } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import type { Batch } from '../model/index.js';
import type { Counter, Registry } from '../telemetry/index.js';
import { decodeBatch, decodeDefinitions, encodeBatch, encodeDefinitions, RecordType } from './records/batch-record.js';
import { decodePage, encodePage } from './encoding/index.js';
import { StoreUnavailableError } from './errors.js';
import { Flattener, SampleColumns } from './flatten/index.js';
import type { CutPage } from './head/index.js';
import { Head } from './head/index.js';
import { PageTable, SeriesIndex } from './series/index.js';
import type { PageEntry } from './series/index.js';
import { StoreQuerier } from './read/store-querier.js';
import type { PageLocation } from './ring/index.js';
import { DatafileRing } from './ring/index.js';
import { lockStoreDir } from './dir-lock.js';
import { keepFromForShare, walSegmentBytes, walShareBytes } from './wal-share.js';
import type { Store } from './store.js';
import { segmentNumber, Wal } from './wal/index.js';

export interface DiskStoreOptions {
  readonly config: Config['store'];
  /** Extent compression, run in the worker pool. */
  readonly compress: (raw: Uint8Array) => Promise<Uint8Array>;
  readonly decompress: (bytes: Uint8Array, rawLength: number) => Uint8Array | Promise<Uint8Array>;
  /** Page encoding, run in the worker pool by the agent; encodes on this thread when absent. */
  readonly encodePages?: (pages: readonly CutPage[]) => Promise<Uint8Array[]>;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly now?: () => number;
}

/** Raw bytes of pages packed into one extent before it is compressed and written. */
const EXTENT_RAW_BYTES = 256 * 1024;
const FLUSH_EVERY_MS = 1000;
const MAINTAIN_EVERY_MS = 5000;

/**
 * The on-disk store (docs/store.md): WAL first, then the head, then pages in the ring of
 * datafiles, within a hard disk budget. `append` resolves once the batch is in the WAL
 * (written to the OS; fsynced per `store.wal.fsync`) and in the head.
 */
export class DiskStore implements Store {
  readonly #o: DiskStoreOptions;
  readonly #now: () => number;
  readonly #pages = new PageTable();
  #wal!: Wal;
  #ring!: DatafileRing;
  #index!: SeriesIndex;
  #head!: Head;
  #flattener!: Flattener;
  #timers: NodeJS.Timeout[] = [];
  #flushing: Promise<void> = Promise.resolve();
  #ready = false;
  #closed = false;
  #unlock: () => void = () => undefined;
  readonly #columns = new SampleColumns();
  readonly #definitionOf = (hi: number, lo: number) => this.#index.definition(hi, lo);
  readonly #dropped: Counter;
  readonly #corrupt: Counter;
  readonly #walLost: Counter;

  constructor(options: DiskStoreOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
    const r = options.registry;
    this.#dropped = r.counter('cairn_store_samples_dropped_total', 'Samples not stored, by reason.');
    this.#corrupt = r.counter('cairn_store_corrupt_skipped_total', 'Corrupt records, journal entries or extents skipped, by part.');
    this.#walLost = r.counter('cairn_store_wal_segments_dropped_unflushed_total', 'WAL segments deleted over budget before their samples were in pages.');
  }

  get ready(): boolean {
    return this.#ready;
  }

  async start(): Promise<void> {
    const c = this.#o.config;
    const dirs = { wal: join(c.path, 'wal'), tier0: join(c.path, 'tier0'), index: join(c.path, 'index') };
    for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
    this.#unlock = lockStoreDir(c.path);
    this.#index = SeriesIndex.open(dirs.index);
    this.#flattener = new Flattener(this.#index);
    const opened = await DatafileRing.open({ dir: dirs.tier0, datafileBytes: c.datafile_bytes, compress: this.#o.compress, decompress: this.#o.decompress, logger: this.#o.logger });
    this.#ring = opened.ring;
    let maxRef = -1;
    for (const { meta, location } of opened.pages) {
      this.#addPage(meta.seriesRef, meta, location);
      if (meta.seriesRef > maxRef) maxRef = meta.seriesRef;
    }
    this.#index.reserveBelow(maxRef + 1);
    this.#head = new Head({ pagePoints: c.page_points, pageMaxAgeMs: c.page_max_age, flushedMaxT: (ref) => this.#pages.maxT(ref) });
    this.#wal = await Wal.open({ dir: dirs.wal, segmentBytes: walSegmentBytes(c.wal.segment_bytes, c.max_disk_bytes), fsync: c.wal.fsync, fsyncIntervalMs: c.wal.fsync_interval, logger: this.#o.logger });
    const started = this.#now();
    const replay = await this.#wal.replay(undefined, (rec) => {
      if (rec.type === RecordType.DEFINITIONS) this.#index.addDefinitions(decodeDefinitions(rec.payload));
      else if (rec.type === RecordType.SAMPLES) this.#ingest(decodeBatch(rec.payload), rec.position.segment);
    });
    this.#corrupt.add(replay.corruptRecordsSkipped, { part: 'wal' });
    this.#corrupt.add(opened.stats.journalEntriesSkipped, { part: 'journal' });
    this.#corrupt.add(opened.stats.datafilesDropped, { part: 'datafile' });
    this.#corrupt.add(this.#index.stats.series.corruptSkipped + this.#index.stats.definitions.corruptSkipped, { part: 'index' });
    this.#o.logger.info('store opened', { component: 'store', path: c.path, series: this.#index.seriesCount, pages: this.#pages.pageCount, replayMs: this.#now() - started, ...replay });
    this.#timers.push(setInterval(() => void this.#flush(), FLUSH_EVERY_MS).unref());
    this.#timers.push(setInterval(() => void this.#maintain(), MAINTAIN_EVERY_MS).unref());
    this.#ready = true;
  }

  hasSeries(hashHi: number, hashLo: number): boolean {
    return this.#index.hasDefinition(hashHi, hashLo);
  }

  async append(batch: Batch): Promise<void> {
    if (this.#closed) throw new StoreUnavailableError('the store is closed');
    const fresh = this.#index.addDefinitions(batch.definitions.filter((d) => d !== undefined));
    if (fresh.length > 0) void this.#wal.append(RecordType.DEFINITIONS, encodeDefinitions(fresh)).catch(() => undefined);
    const position = await this.#wal.append(RecordType.SAMPLES, encodeBatch(batch));
    this.#ingest(batch, position.segment);
    this.#checkBudget();
  }

  querier(): StoreQuerier {
    return new StoreQuerier({
      index: this.#index,
      pages: this.#pages,
      head: this.#head,
      readPage: async (entry) => decodePage(await this.#ring.readPage(entry.location as PageLocation)),
      onCorruptPage: (err) => {
        // A page whose datafile the budget just deleted is gone, not corrupt.
        if ((err as { code?: string }).code === ErrorCodes.DATAFILE_GONE) return;
        this.#corrupt.add(1, { part: 'extent' });
        this.#o.logger.warn('skipped a corrupt page', { component: 'store', error: err.message });
      },
    });
  }

  /** Sizes for self-metrics and the budget. */
  usage(): { walBytes: number; ringBytes: number; indexBytes: number; totalBytes: number; series: number; headSamples: number; walSegments: number; datafiles: number } {
    const walBytes = this.#wal.sizeBytes();
    const ringBytes = this.#ring.sizeBytes();
    const indexBytes = this.#index.sizeBytes;
    return {
      walBytes,
      ringBytes,
      indexBytes,
      totalBytes: walBytes + ringBytes + indexBytes,
      series: this.#index.seriesCount,
      headSamples: this.#head.samples,
      walSegments: this.#wal.segmentCount(),
      datafiles: this.#ring.fileCount(),
    };
  }

  async shutdown(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const t of this.#timers) clearInterval(t);
    await this.#enforcing;
    await this.#flushing;
    await this.#flush();
    await this.#wal.close();
    await this.#ring.close();
    this.#index.close();
    this.#unlock();
  }

  #ingest(batch: Batch, segment: number): void {
    const cols = this.#columns;
    cols.length = 0;
    const missing = this.#flattener.flatten(batch, this.#definitionOf, cols);
    const { outOfOrder, duplicate } = this.#head.appendColumns(cols.refs, cols.times, cols.values, cols.length, segment, this.#now());
    this.#index.flush();
    if (outOfOrder > 0) this.#dropped.add(outOfOrder, { reason: 'out_of_order' });
    if (duplicate > 0) this.#dropped.add(duplicate, { reason: 'duplicate_timestamp' });
    if (missing > 0) this.#dropped.add(missing, { reason: 'unknown_series' });
  }

  #flush(): Promise<void> {
    this.#flushing = this.#flushing.then(() => this.#writeCutPages()).catch((err: Error) => {
      this.#o.logger.warn('writing pages failed; will retry', { component: 'store', error: err.message });
    });
    return this.#flushing;
  }

  async #writeCutPages(): Promise<void> {
    const cut = this.#head.takeCut();
    const encode = this.#o.encodePages ?? (async (pages: readonly CutPage[]) => pages.map((p) => encodePage(p.timestamps, p.values, p.count)));
    for (let i = 0; i < cut.length; ) {
      // Group by samples: pages encode to ~1 byte per sample, so this makes extents of about
      // EXTENT_RAW_BYTES before compression.
      const group: CutPage[] = [];
      let samples = 0;
      while (i < cut.length && (samples < EXTENT_RAW_BYTES || group.length === 0)) {
        const page = cut[i++]!;
        group.push(page);
        samples += page.count;
      }
      try {
        const encoded = await encode(group);
        const raw = encoded.reduce((n, b) => n + b.length, 0);
        // The series references these pages use must be on disk before the pages are.
        this.#index.sync();
        await this.#makeRoom(raw);
        const pages = group.map((p, k) => ({ meta: { seriesRef: p.ref, minT: p.timestamps[0]!, maxT: p.timestamps[p.count - 1]!, count: p.count }, bytes: encoded[k]! }));
        const locations = await this.#ring.appendExtent(pages);
        locations.forEach((loc, k) => this.#addPage(group[k]!.ref, pages[k]!.meta, loc));
        this.#head.release(group);
      } catch (err) {
        this.#head.requeue([...group, ...cut.slice(i)]);
        throw err;
      }
    }
  }

  /** Called after each append: starts budget enforcement at once when the WAL or the total is over. */
  #checkBudget(): void {
    if (this.#enforcing !== null || this.#closed) return;
    const c = this.#o.config;
    const u = this.usage();
    if (u.walBytes <= walShareBytes(c.max_disk_bytes) && u.totalBytes <= c.max_disk_bytes) return;
    this.#enforcing = this.#enforceBudget()
      .catch((err: Error) => this.#o.logger.warn('store budget enforcement failed', { component: 'store', error: err.message }))
      .finally(() => {
        this.#enforcing = null;
      });
  }

  #enforcing: Promise<void> | null = null;

  /**
   * Keeps the WAL within its share: the pages holding samples of the segments to drop are cut
   * and written first, so the drop loses nothing; segments still needed after that (a cursor
   * behind, a write that failed) are dropped anyway and counted. Then datafiles make room for
   * the total.
   */
  async #enforceBudget(): Promise<void> {
    const c = this.#o.config;
    const share = walShareBytes(c.max_disk_bytes);
    if (this.#wal.sizeBytes() > share) {
      const keepFrom = keepFromForShare(this.#wal.segments(), share);
      if (this.#head.cutBefore(keepFrom) > 0) await this.#flush();
      await this.#ring.sync();
      const stillNeeded = Math.min(this.#head.oldestSegment(), this.#wal.minCursorSegment() ?? Infinity);
      if (stillNeeded < keepFrom) this.#walLost.add(keepFrom - Math.max(stillNeeded, this.#wal.oldestSegment()));
      await this.#wal.deleteSegmentsBefore(segmentNumber(keepFrom));
    }
    await this.#makeRoom(0);
  }

  /** Deletes the oldest datafiles until `incoming` more bytes fit in the disk budget. */
  async #makeRoom(incoming: number): Promise<void> {
    const max = this.#o.config.max_disk_bytes;
    while (this.usage().totalBytes + incoming > max && this.#ring.files().length > 1) {
      const gone = await this.#ring.deleteOldest();
      if (gone === null) break;
      this.#pages.dropFile(gone.file);
    }
  }

  async #maintain(): Promise<void> {
    if (this.#closed) return;
    const c = this.#o.config;
    this.#head.cutOld(this.#now());
    void this.#flush();
    try {
      if (c.max_age > 0) for (const file of await this.#ring.deleteOlderThan(this.#now() - c.max_age)) this.#pages.dropFile(file);
      // WAL segments whose samples are all in written pages are not needed for replay,
      // once those pages are on disk (appends only reach the OS).
      await this.#ring.sync();
      const headNeeds = this.#head.oldestSegment();
      const cursorsNeed = this.#wal.minCursorSegment() ?? Infinity;
      const keepFrom = Math.min(headNeeds, cursorsNeed, this.#wal.currentSegment());
      await this.#wal.deleteSegmentsBefore(segmentNumber(keepFrom));
      await this.#enforceBudget();
      this.#index.sync();
    } catch (err) {
      this.#o.logger.warn('store maintenance failed', { component: 'store', error: (err as Error).message });
    }
  }

  #addPage(ref: number, meta: { minT: number; maxT: number; count: number }, location: PageLocation): void {
    const entry: PageEntry = { minT: meta.minT, maxT: meta.maxT, count: meta.count, file: Number(location.file), location };
    this.#pages.add(ref, entry);
  }
}
