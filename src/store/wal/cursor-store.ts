// Durable reader positions, one small file per named cursor (docs/format/cursor.md), replaced
// atomically: a crash at any point leaves either the old or the new position, never neither.
import { mkdir, readFile, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { silentLogger, type Logger } from '../../log/index.js';
import { STORE_DIR_MODE } from '../file-modes.js';
import { decodeCursor, encodeCursor } from './cursor-format.js';
import { errorCode, fsyncDir, nodeFileIo, writeFully, type WalFileIo } from './file-io.js';
import { formatPosition, type SegmentNumber, type WalPosition } from './position.js';
import { SerialQueue } from './serial-queue.js';

const SUFFIX = '.cursor';
const TEMP_SUFFIX = '.tmp';
const MAX_FILE_NAME = 200;

export interface CursorStoreOptions {
  readonly logger?: Logger;
  /** File operations; tests inject crashes here. Default: node:fs. */
  readonly io?: WalFileIo;
}

/** Where a cursor is for retention: a saved position, or unknown (registered, never saved, or unreadable). */
type Known = WalPosition | 'unknown';

export class CursorStore {
  readonly dir: string;
  readonly #io: WalFileIo;
  readonly #logger: Logger;
  readonly #saves = new SerialQueue();
  readonly #known = new Map<string, Known>();

  private constructor(dir: string, io: WalFileIo, logger: Logger) {
    this.dir = dir;
    this.#io = io;
    this.#logger = logger;
  }

  /**
   * Creates the directory if needed, removes temp files a crash left between write and
   * rename, and reads every cursor so retention knows where they are.
   */
  static async open(dir: string, options: CursorStoreOptions = {}): Promise<CursorStore> {
    const store = new CursorStore(dir, options.io ?? nodeFileIo, options.logger ?? silentLogger);
    await mkdir(dir, { recursive: true, mode: STORE_DIR_MODE });
    for (const file of await readdir(dir)) {
      if (file.endsWith(SUFFIX + TEMP_SUFFIX)) await unlink(join(dir, file)).catch(() => undefined);
    }
    for (const name of await store.list()) {
      try {
        store.#known.set(name, (await store.load(name)) ?? 'unknown');
      } catch (err) {
        // Held at the oldest segment for retention until its owner saves a new position.
        store.#logger.warn('wal: unreadable cursor', { cursor: name, error: err instanceof Error ? err.message : String(err) });
        store.#known.set(name, 'unknown');
      }
    }
    return store;
  }

  /** The saved position, null if never saved; CursorCorruptError if the file is unreadable. */
  async load(name: string): Promise<WalPosition | null> {
    const file = this.#file(name);
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (err) {
      if (errorCode(err) === 'ENOENT') return null;
      throw err;
    }
    return decodeCursor(bytes, file);
  }

  /** Write temp file, fsync it, rename over the cursor, fsync the directory. Saves run one at a time. */
  save(name: string, position: WalPosition): Promise<void> {
    const file = this.#file(name);
    return this.#saves.run(async () => {
      const temp = file + TEMP_SUFFIX;
      const fd = await this.#io.open(temp, 'w');
      try {
        await writeFully(this.#io, fd, [encodeCursor(position)], 0);
        await this.#io.fsync(fd);
      } finally {
        await this.#io.close(fd);
      }
      await this.#io.rename(temp, file);
      await fsyncDir(this.#io, this.dir);
      this.#known.set(name, position);
      this.#logger.debug('wal: cursor saved', { cursor: name, position: formatPosition(position) });
    });
  }

  /** Forgets a cursor (its reader is gone for good) so it no longer holds WAL segments. */
  remove(name: string): Promise<boolean> {
    const file = this.#file(name);
    return this.#saves.run(async () => {
      this.#known.delete(name);
      try {
        await unlink(file);
      } catch (err) {
        if (errorCode(err) === 'ENOENT') return false;
        throw err;
      }
      await fsyncDir(this.#io, this.dir);
      return true;
    });
  }

  /** Names of the saved cursors, sorted. */
  async list(): Promise<string[]> {
    const names: string[] = [];
    for (const file of await readdir(this.dir)) {
      if (!file.endsWith(SUFFIX)) continue;
      try {
        names.push(decodeURIComponent(file.slice(0, -SUFFIX.length)));
      } catch {
        // Not a name this store wrote (bad percent-encoding): not a cursor of ours.
      }
    }
    return names.sort();
  }

  /**
   * Declares a cursor that must hold the WAL even before its first save (a new exporter
   * starts at the oldest segment).
   */
  register(name: string): void {
    this.#file(name);
    if (!this.#known.has(name)) this.#known.set(name, 'unknown');
  }

  /** The lowest segment any cursor still needs; unknown cursors count as `oldest`. Null without cursors. */
  minSegment(oldest: SegmentNumber): SegmentNumber | null {
    let min: SegmentNumber | null = null;
    for (const p of this.#known.values()) {
      const s = p === 'unknown' ? oldest : p.segment;
      if (min === null || s < min) min = s;
    }
    return min;
  }

  /** The highest segment a saved cursor points into. */
  maxSegment(): SegmentNumber | null {
    let max: SegmentNumber | null = null;
    for (const p of this.#known.values()) if (p !== 'unknown' && (max === null || p.segment > max)) max = p.segment;
    return max;
  }

  /** Names are percent-encoded into file names, so any exporter name works ("otlp/primary"). */
  #file(name: string): string {
    const encoded = encodeURIComponent(name);
    if (name.length === 0 || encoded.length > MAX_FILE_NAME) throw new RangeError(`cursor name must be 1-${MAX_FILE_NAME} characters once encoded: ${JSON.stringify(name)}`);
    return join(this.dir, encoded + SUFFIX);
  }
}
