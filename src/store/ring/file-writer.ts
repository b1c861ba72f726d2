import { encodeFileHeader, FILE_HEADER_BYTES, FORMAT_VERSION } from './file-header.js';
import { encodeJournalEntry } from './journal-format.js';
import type { FileNumber } from './file-number.js';
import type { RingFileHandle, RingIo } from './ring-io.js';

/** The bookkeeping a writer keeps up to date: where the pair of files is and their logical ends. */
export interface WriteTarget {
  readonly file: FileNumber;
  readonly datafilePath: string;
  readonly journalPath: string;
  bytes: number;
  journalBytes: number;
}

/**
 * The write side of the file being appended to. An append writes the extent, then its journal
 * entry; if either write fails, both files are cut back to where they ended before, so a disk
 * that fills up leaves no half extent behind and appends work again once space returns.
 */
export class FileWriter {
  readonly #target: WriteTarget;
  readonly #datafile: RingFileHandle;
  readonly #journal: RingFileHandle;
  /** Set when a failed append could not be cut back yet; retried before the next append. */
  #tailDirty = false;

  private constructor(target: WriteTarget, datafile: RingFileHandle, journal: RingFileHandle) {
    this.#target = target;
    this.#datafile = datafile;
    this.#journal = journal;
  }

  /** Creates both files (never over an existing one) with their headers. On failure nothing is left behind. */
  static async create(io: RingIo, target: WriteTarget, tier: number): Promise<FileWriter> {
    const opened: RingFileHandle[] = [];
    try {
      for (const [path, kind] of [[target.datafilePath, 'datafile'], [target.journalPath, 'journal']] as const) {
        const handle = await io.open(path, 'create');
        opened.push(handle);
        await handle.write(encodeFileHeader({ kind, version: FORMAT_VERSION, tier, file: target.file, createdAtMs: Date.now() }), 0);
      }
    } catch (error) {
      await Promise.allSettled(opened.map((h) => h.close()));
      await Promise.allSettled([io.unlink(target.datafilePath), io.unlink(target.journalPath)]);
      throw error;
    }
    target.bytes = FILE_HEADER_BYTES;
    target.journalBytes = FILE_HEADER_BYTES;
    const [datafile, journal] = opened as [RingFileHandle, RingFileHandle];
    return new FileWriter(target, datafile, journal);
  }

  /** Reopens a file that open() found and repaired, to go on appending to it. */
  static async resume(io: RingIo, target: WriteTarget): Promise<FileWriter> {
    const datafile = await io.open(target.datafilePath, 'update');
    try {
      return new FileWriter(target, datafile, await io.open(target.journalPath, 'update'));
    } catch (error) {
      await datafile.close().catch(() => undefined);
      throw error;
    }
  }

  /** Appends a complete extent and its journal entry; returns the extent's offset. */
  async append(extent: Uint8Array, headerBytes: number): Promise<{ extentOffset: number; entryBytes: number }> {
    if (this.#tailDirty) await this.#cutBack();
    const extentOffset = this.#target.bytes;
    const entry = encodeJournalEntry(extent, headerBytes, extentOffset);
    try {
      await this.#datafile.write(extent, extentOffset);
      await this.#journal.write(entry, this.#target.journalBytes);
    } catch (error) {
      this.#tailDirty = true;
      await this.#cutBack().catch(() => undefined);
      throw error;
    }
    this.#target.bytes += extent.length;
    this.#target.journalBytes += entry.length;
    return { extentOffset, entryBytes: entry.length };
  }

  async sync(): Promise<void> {
    await this.#datafile.datasync();
    await this.#journal.datasync();
  }

  async close(): Promise<void> {
    const results = await Promise.allSettled([this.#datafile.close(), this.#journal.close()]);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  }

  /** Journal first: an entry must never outlive the extent it describes. */
  async #cutBack(): Promise<void> {
    await this.#journal.truncate(this.#target.journalBytes);
    await this.#datafile.truncate(this.#target.bytes);
    this.#tailDirty = false;
  }
}
