import { asUnavailable, DatafileCorruptError, DatafileGoneError, shuttingDown } from './errors.js';
import { encodeExtent, extentHeaderBytes } from './extent-format.js';
import { ExtentReader } from './extent-reader.js';
import { FILE_HEADER_BYTES } from './file-header.js';
import type { FileNumber } from './file-number.js';
import { toFileNumber } from './file-number.js';
import { FileWriter } from './file-writer.js';
import type { PageIndex } from './page-index.js';
import { RingFile } from './ring-file.js';
import { openRingFiles } from './ring-open.js';
import type { ResolvedRingOptions } from './ring-validate.js';
import { packPages, resolveRingOptions } from './ring-validate.js';
import { removeTombstone, unlinkBehindTombstone } from './tombstone.js';
import type { OpenStats, PageLocation, PageToAppend, RingFileInfo, RingOptions } from './types.js';

/**
 * A directory of datafiles (extents of compressed pages) with one journal each, deleted oldest
 * first under a disk budget, modeled on Netdata's dbengine (docs/format/datafile.md, journal.md).
 *
 * Appends, rolls and deletions run one at a time in call order; compression (in the worker pool)
 * and reads run concurrently. The ring keeps the store's one page index (`pages`): it indexes
 * what it appends and forgets what it deletes. It never deletes a file on its own after open:
 * the store calls `deleteOldest`/`deleteOlderThan`.
 */
export class DatafileRing {
  readonly #options: ResolvedRingOptions;
  readonly #files: RingFile[];
  readonly #byNumber = new Map<FileNumber, RingFile>();
  readonly #reader: ExtentReader;
  readonly #pages: PageIndex;
  /** The file appends go to; null until the first append creates one (or after open refused to resume). */
  #appendable: RingFile | null;
  #nextFile: number;
  #totalBytes = 0;
  #dirDirty = false;
  #queue: Promise<unknown> = Promise.resolve();
  #closing: Promise<void> | null = null;
  /** Set by close() once it has run: jobs queued behind it (appends still compressing then) fail. */
  #closed = false;

  private constructor(options: ResolvedRingOptions, files: RingFile[], pages: PageIndex, nextFile: number, resumeLast: boolean) {
    this.#options = options;
    this.#pages = pages;
    this.#files = files;
    for (const f of files) {
      this.#byNumber.set(f.file, f);
      this.#totalBytes += f.totalBytes;
    }
    this.#appendable = resumeLast ? (files[files.length - 1] ?? null) : null;
    this.#nextFile = nextFile;
    this.#reader = new ExtentReader(options.io, options.decompress, options.extentCacheBytes, options.maxOpenReadHandles);
  }

  /**
   * Opens the ring and rebuilds its page index from the journals, repairing what a crash or a
   * bad disk left (docs/format/journal.md, "Rebuild"). Data payloads are never decompressed.
   */
  static async open(options: RingOptions): Promise<{ ring: DatafileRing; pages: PageIndex; stats: OpenStats }> {
    const resolved = resolveRingOptions(options);
    const opened = await openRingFiles(resolved.io, resolved.dir, resolved.tier, resolved.logger).catch((error: unknown) => {
      throw asUnavailable(error, `cannot open the datafile ring in ${resolved.dir}`);
    });
    const ring = new DatafileRing(resolved, opened.files, opened.pages, opened.nextFile, opened.resumeLast);
    return { ring, pages: opened.pages, stats: opened.stats };
  }

  /** Every page in the ring, by series: filled on open and by appends, emptied by deletions. */
  get pages(): PageIndex {
    return this.#pages;
  }

  /**
   * Packs the pages into one extent, compresses it, appends it to the current datafile (after
   * rolling to a new one if it would not fit) and journals it. Resolves once both are written to
   * the OS; call `sync` for durability. Disk errors reject with StoreUnavailableError and leave
   * both files as they were. `pages` must not change until the promise settles.
   */
  async appendExtent(pages: readonly PageToAppend[]): Promise<PageLocation[]> {
    this.#assertOpen();
    const raw = packPages(pages);
    const extent = encodeExtent(pages, raw.length, await this.#options.compress(raw));
    return this.#serial(() => this.#write(extent, raw.length, pages));
  }

  /**
   * The page's bytes. Rejects DATAFILE_CORRUPT when its extent fails a check (reported once
   * through `onReadLoss`, and left out of the index from then on), DATAFILE_GONE when its file
   * was deleted.
   */
  async readPage(location: PageLocation): Promise<Uint8Array> {
    this.#assertOpen();
    const source = this.#byNumber.get(location.file);
    if (source === undefined) throw new DatafileGoneError(location.file);
    let raw: Uint8Array;
    try {
      raw = await this.#reader.read(source, location);
    } catch (error) {
      if (error instanceof DatafileCorruptError) this.#reportReadLoss(source, location, error);
      throw error;
    }
    if (location.pageOffset + location.pageLength > raw.length) {
      throw new RangeError(`page ${location.pageOffset}+${location.pageLength} outside extent of ${raw.length} bytes`);
    }
    // A copy: the cached extent is shared by every reader.
    return raw.slice(location.pageOffset, location.pageOffset + location.pageLength);
  }

  /** Oldest first. */
  files(): readonly RingFileInfo[] {
    return this.#files.map((f) => f.info());
  }

  /** Datafiles in the ring (each with its journal), without listing them. */
  fileCount(): number {
    return this.#files.length;
  }

  /** Datafiles and journals together. */
  sizeBytes(): number {
    return this.#totalBytes;
  }

  /** Deletes the oldest datafile and its journal; null when only the newest is left (it holds the file numbering). */
  async deleteOldest(): Promise<{ file: FileNumber; freedBytes: number } | null> {
    this.#assertOpen();
    return this.#serial(async () => {
      const oldest = this.#files[0];
      if (oldest === undefined || this.#files.length === 1) return null;
      return { file: oldest.file, freedBytes: await this.#delete(oldest) };
    });
  }

  /**
   * Deletes every file whose newest page is older than `minT` (store.max_age). A newest file
   * that qualifies is first rolled over, so an idle agent still forgets old data. Stops at the
   * first file it cannot delete (logged) and returns those it did delete.
   */
  async deleteOlderThan(minT: number): Promise<FileNumber[]> {
    this.#assertOpen();
    return this.#serial(async () => {
      const newest = this.#files[this.#files.length - 1];
      if (newest !== undefined && newest.maxT < minT && newest.bytes > FILE_HEADER_BYTES) {
        await this.#roll().catch((error: unknown) => this.#options.logger.warn('store ring: cannot roll over for max age', { dir: this.#options.dir, error: String(error) }));
      }
      const deleted: FileNumber[] = [];
      for (const f of this.#files.slice(0, -1)) {
        if (f.maxT >= minT) continue;
        try {
          await this.#delete(f);
        } catch (error) {
          this.#options.logger.warn('store ring: cannot delete an expired datafile', { dir: this.#options.dir, file: f.file, error: String(error) });
          break;
        }
        deleted.push(f.file);
      }
      return deleted;
    });
  }

  /** Makes every append so far durable (fdatasync, and the directory after files came or went). Call before dropping the WAL that holds the same data. */
  async sync(): Promise<void> {
    this.#assertOpen();
    return this.#serial(() => this.#syncNow());
  }

  /** Waits for appends in flight, syncs, closes every file. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#serial(async () => {
      try {
        await this.#syncNow();
      } finally {
        await this.#appendable?.writer?.close().catch(() => undefined);
        if (this.#appendable !== null) this.#appendable.writer = null;
        this.#closed = true;
        await this.#reader.close();
      }
    });
    return this.#closing;
  }

  async #write(extent: Uint8Array, rawLength: number, pages: readonly PageToAppend[]): Promise<PageLocation[]> {
    try {
      let target = this.#appendable;
      if (target === null || (target.bytes > FILE_HEADER_BYTES && target.bytes + extent.length > this.#options.datafileBytes)) {
        target = await this.#roll();
      }
      target.writer ??= await FileWriter.resume(this.#options.io, target);
      const { extentOffset, entryBytes } = await target.writer.append(extent, extentHeaderBytes(pages.length));
      this.#totalBytes += extent.length + entryBytes;
      const locations: PageLocation[] = [];
      let pageOffset = 0;
      this.#pages.beginExtent(target.file, extentOffset, extent.length, rawLength);
      for (const { meta, bytes } of pages) {
        target.widenTimes(meta.minT, meta.maxT);
        locations.push({ file: target.file, extentOffset, extentLength: extent.length, rawLength, pageOffset, pageLength: bytes.length });
        this.#pages.addPage(meta.seriesRef, meta.minT, meta.maxT, pageOffset);
        pageOffset += bytes.length;
      }
      this.#pages.commitExtent();
      return locations;
    } catch (error) {
      throw asUnavailable(error, `cannot append to the datafile ring in ${this.#options.dir}`);
    }
  }

  /** Seals the file being written (fdatasync) and starts the next one. */
  async #roll(): Promise<RingFile> {
    const previous = this.#appendable;
    if (previous?.writer) {
      await previous.writer.sync();
      const sealed = previous.writer;
      previous.writer = null;
      await sealed.close();
    }
    const next = new RingFile(this.#options.dir, toFileNumber(this.#nextFile++), 0, 0);
    next.writer = await FileWriter.create(this.#options.io, next, this.#options.tier);
    this.#files.push(next);
    this.#byNumber.set(next.file, next);
    this.#totalBytes += next.totalBytes;
    this.#appendable = next;
    this.#dirDirty = true;
    return next;
  }

  /** Through a tombstone (tombstone.ts), so a crash in the middle is not taken for a lost datafile. */
  async #delete(victim: RingFile): Promise<number> {
    // Callers never pass the newest file, so `victim` has no writer and is not #appendable.
    const { io, dir, logger } = this.#options;
    victim.deleting = true;
    try {
      await unlinkBehindTombstone(io, dir, victim);
    } catch (error) {
      victim.deleting = false;
      throw asUnavailable(error, `cannot delete datafile ${victim.file}`);
    }
    this.#forget(victim);
    await removeTombstone(io, dir, victim, logger);
    return victim.totalBytes;
  }

  /** Takes a file out of the ring and the page index. */
  #forget(victim: RingFile): void {
    const at = this.#files.indexOf(victim);
    if (at >= 0) this.#files.splice(at, 1);
    this.#byNumber.delete(victim.file);
    victim.deleted = true;
    this.#totalBytes -= victim.totalBytes;
    this.#reader.forget(victim.file);
    this.#pages.dropFile(victim.file);
    this.#dirDirty = true;
  }

  /**
   * Once per loss: a damaged extent is marked in the index (no query reads it again); a datafile
   * that vanished from under the ring (not one it is deleting, not the one appends go to) leaves
   * the ring whole, its journal deleted so the next open does not count it again.
   */
  #reportReadLoss(source: RingFile, location: PageLocation, error: DatafileCorruptError): void {
    const { logger, onReadLoss } = this.#options;
    if (source.deleting || source.deleted) return;
    const missing = (error.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
    if (missing && source !== this.#appendable) {
      const pages = this.#pages.dropFile(source.file);
      this.#forget(source);
      void this.#options.io.unlink(source.journalPath).catch(() => undefined);
      logger.warn('store ring: a datafile is missing; its data is lost', { dir: this.#options.dir, file: source.datafilePath, offset: 0, pages });
      onReadLoss?.({ part: 'datafile', file: source.datafilePath, offset: 0, pages, reason: 'the datafile is missing' });
      return;
    }
    if (!this.#pages.markBad(location.file, location.extentOffset)) return;
    logger.warn('store ring: skipped a damaged extent; its pages are not served', { dir: this.#options.dir, file: source.datafilePath, offset: location.extentOffset, error: error.message });
    onReadLoss?.({ part: 'extent', file: source.datafilePath, offset: location.extentOffset, pages: 0, reason: error.message });
  }

  async #syncNow(): Promise<void> {
    try {
      await this.#appendable?.writer?.sync();
      if (this.#dirDirty) {
        this.#dirDirty = false;
        await this.#options.io.syncDir(this.#options.dir);
      }
    } catch (error) {
      this.#dirDirty = true;
      throw asUnavailable(error, `cannot sync the datafile ring in ${this.#options.dir}`);
    }
  }

  #serial<T>(job: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(() => {
      if (this.#closed) throw shuttingDown();
      return job();
    });
    this.#queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  #assertOpen(): void {
    if (this.#closing !== null) throw shuttingDown();
  }
}

