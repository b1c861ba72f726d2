import { readFileSync } from 'node:fs';
import { CairnError, ErrorCodes } from '../../errors/index.js';
import { StoreUnavailableError } from '../errors.js';
import { RecordFile } from './record-file.js';
import type { ScannedRecord } from './record-scan.js';
import { encodeRecordFile, encodeRecords, framedBytes, RECORD_HEADER_BYTES, scanRecords } from './record-scan.js';
import { accountDamage } from './record-damage.js';
import type { CopyRead, IndexFileStats } from './record-damage.js';

/**
 * An index file kept twice (docs/format/series.md, "Two copies"): every record is appended
 * to both, and on open each damaged piece of one copy is taken from the other, so damage to
 * one copy loses nothing. The copies are byte-identical when healthy; open rewrites a copy
 * that differs from the merged content. Records are facts that do not conflict (a reference
 * and its label set, a definition by hash), so merging is a union and a record that only one
 * copy holds (a crash between the two writes) is simply kept.
 */
export class RecordPair {
  readonly #paths: readonly [string, string];
  readonly #magic: string;
  #files: [RecordFile, RecordFile] | null = null;
  /** The merged records while the copies could not be written as they should be (disk full): rewritten before the next append. */
  #pending: Uint8Array[] | null = null;
  /** Where the main copy must be cut back to (its copy's append failed and the cut did too). */
  #cutMainTo: number | null = null;
  #pendingBytes = 0;

  private constructor(paths: readonly [string, string], magic: string) {
    this.#paths = paths;
    this.#magic = magic;
  }

  /** Opens (or creates) both copies, merges their records and repairs whichever differs. */
  static open(main: string, copy: string, magic: string, firstByte?: number): { pair: RecordPair; records: ScannedRecord[]; stats: IndexFileStats } {
    const copies = [readCopy(main, magic, firstByte), readCopy(copy, magic, firstByte)] as const;
    refuseUnreadable(copies);
    const records = mergeRecords(copies);
    const stats = accountDamage(copies, records);
    const payloads = records.map((r) => r.payload);
    const pair = new RecordPair([main, copy], magic);
    const adopted: RecordFile[] = [];
    try {
      for (const c of copies) adopted.push(pair.#adopt(c, payloads));
      pair.#files = adopted as [RecordFile, RecordFile];
    } catch (err) {
      // Most likely a full disk: serve what was read, and write it out before the next append.
      adopted.forEach((f) => f.close());
      pair.#pending = payloads.map((p) => Uint8Array.from(p));
      pair.#pendingBytes = RECORD_HEADER_BYTES + framedBytes(payloads);
      stats.writeError = (err as Error).message;
    }
    return { pair, records, stats };
  }

  get paths(): readonly [string, string] {
    return this.#paths;
  }

  /** Both copies. */
  get sizeBytes(): number {
    if (this.#files === null) return 2 * this.#pendingBytes;
    return this.#files[0].sizeBytes + this.#files[1].sizeBytes;
  }

  /** Appends the records to both copies, or to neither (StoreUnavailableError). */
  append(payloads: readonly Uint8Array[]): void {
    if (payloads.length === 0) return;
    const [main, copy] = this.#writable();
    const bytes = Buffer.allocUnsafe(framedBytes(payloads));
    encodeRecords(payloads, bytes);
    const mainBefore = main.sizeBytes;
    try {
      main.append(bytes);
    } catch (err) {
      throw unavailable(main.path, err);
    }
    try {
      copy.append(bytes);
    } catch (err) {
      this.#cutMainTo = mainBefore;
      this.#cutMain();
      throw unavailable(copy.path, err);
    }
  }

  sync(): void {
    if (this.#files === null) return;
    this.#files[0].sync();
    this.#files[1].sync();
  }

  close(): void {
    const files = this.#files;
    if (files === null) return;
    // Sizes stay readable after close (the budget and tests ask for them).
    this.#pendingBytes = files[0].sizeBytes;
    this.#files = null;
    try {
      files[0].close();
    } finally {
      files[1].close();
    }
  }

  /** Keeps the copy as it is, cuts off a torn tail, or rewrites it with the merged records. */
  #adopt(read: CopyRead, payloads: readonly Uint8Array[]): RecordFile {
    const expected = encodeRecordFile(this.#magic, payloads);
    const bytes = read.bytes;
    if (bytes !== null && bytes.length >= expected.length && bytes.compare(expected, 0, expected.length, 0, expected.length) === 0) {
      return RecordFile.resume(read.path, expected.length);
    }
    return RecordFile.replace(read.path, this.#magic, payloads);
  }

  #writable(): [RecordFile, RecordFile] {
    if (this.#cutMainTo !== null) this.#cutMain();
    if (this.#cutMainTo !== null) throw new StoreUnavailableError(`cannot cut ${this.#paths[0]} back after a failed append`);
    if (this.#pending !== null) {
      const payloads = this.#pending;
      const files: RecordFile[] = [];
      try {
        for (const path of this.#paths) files.push(RecordFile.replace(path, this.#magic, payloads));
      } catch (err) {
        files.forEach((f) => f.close());
        throw unavailable(this.#paths[files.length]!, err);
      }
      this.#files = files as [RecordFile, RecordFile];
      this.#pending = null;
    }
    return this.#files!;
  }

  #cutMain(): void {
    try {
      this.#files![0].truncate(this.#cutMainTo!);
      this.#cutMainTo = null;
    } catch {
      // Retried before the next append, which fails until it succeeds.
    }
  }
}

function readCopy(path: string, magic: string, firstByte: number | undefined): CopyRead {
  try {
    const bytes = readFileSync(path);
    return { path, bytes, error: null, scan: scanRecords(bytes, magic, firstByte) };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { path, bytes: null, error: null, scan: null };
    return { path, bytes: null, error: err as Error, scan: null };
  }
}

/**
 * The only reasons not to open: no copy can be read at all while one exists (permissions, I/O
 * errors), or a copy is of a format version this build does not read — starting would mean
 * overwriting it. Damaged bytes are never a reason.
 */
function refuseUnreadable(copies: readonly [CopyRead, CopyRead]): void {
  for (const c of copies) {
    if (c.scan?.header.kind === 'unsupported') {
      throw new CairnError(
        ErrorCodes.STORE_FORMAT_UNSUPPORTED,
        `${c.path}: format version ${c.scan.header.version}, this cairn reads version 1: run the cairn version that wrote this store, or move the store directory aside to start a new one`,
      );
    }
  }
  const unreadable = copies.filter((c) => c.error !== null);
  if (unreadable.length > 0 && copies.every((c) => c.error !== null || c.bytes === null)) {
    throw new CairnError(
      ErrorCodes.SERIES_FILE_CORRUPT,
      `cannot read ${unreadable.map((c) => `${c.path} (${(c.error as NodeJS.ErrnoException).code ?? c.error!.message})`).join(' or ')} and no other copy exists: ` +
        `fix the file's permissions or restore it from a backup; removing it starts an empty index, and the pages already written can then no longer be found by series`,
    );
  }
}

/** Every valid record of either copy once, in file order (the main copy first at equal offsets). */
function mergeRecords(copies: readonly [CopyRead, CopyRead]): ScannedRecord[] {
  const seen = new Set<string>();
  const all: ScannedRecord[] = [];
  for (const c of copies) {
    for (const r of c.scan?.records ?? []) {
      const key = `${r.offset}:${r.end}:${r.crc}`;
      if (seen.has(key)) continue;
      seen.add(key);
      all.push(r);
    }
  }
  // Stable: at equal offsets (copies that diverged) the main copy's record comes first.
  return all.sort((a, b) => a.offset - b.offset);
}

function unavailable(path: string, err: unknown): StoreUnavailableError {
  return new StoreUnavailableError(`cannot write ${path}: ${(err as Error).message}`, { cause: err });
}
