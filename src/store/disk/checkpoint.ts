import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeCheckpoint, encodeBlocks, encodeHeader } from '../checkpoint/index.js';
import type { CheckpointEntry } from '../checkpoint/index.js';
import { decodePage } from '../encoding/index.js';
import { STORE_DIR_MODE, STORE_FILE_MODE } from '../file-modes.js';
import { encodePagesHere } from '../head/index.js';
import type { WalPosition } from '../wal/index.js';
import { comparePositions, walPosition } from '../wal/index.js';
import { walShareBytes } from './wal-share.js';
import type { HeadIngest } from './ingest.js';
import type { StoreParts } from './parts.js';

/**
 * Ingest quiet for this long (at most QUIET_POINTS in it: the agent's own host and self metrics
 * keep trickling in) after a burst (at least BURST_POINTS since the last checkpoint): write one,
 * so the WAL shrinks after the burst instead of waiting out the interval. Without the burst
 * rule an idle agent would rewrite its whole head every QUIET_MS for its own trickle.
 */
const QUIET_MS = 15_000;
const QUIET_POINTS = 2000;
const BURST_POINTS = 50_000;

export function checkpointDir(parts: StoreParts): string {
  return join(parts.config.path, 'head');
}

/**
 * Writes the head to `head/checkpoint.ckp` (docs/format/checkpoint.md): the open pages and the
 * cut pages not yet in a datafile, page-encoded in the worker pool, with the WAL position they
 * cover. Replay on start is then the checkpoint plus the WAL after that position, and the WAL
 * before it may go (unless an exporter's cursor still needs it).
 */
export class Checkpointer {
  readonly #parts: StoreParts;
  readonly #ingest: HeadIngest;
  readonly #makeRoom: (incoming: number) => Promise<void>;
  #position: WalPosition | null;
  #writtenAt: number;
  #running: Promise<void> | null = null;
  /** Bytes of the checkpoint on disk, and of the one being written next to it. */
  #fileBytes: number;
  #writingBytes = 0;
  /** Recent (time, points ingested so far) readings, oldest first, to tell a quiet spell. */
  readonly #readings: { at: number; points: number }[] = [];
  /** Points ingested so far when the last checkpoint began. */
  #pointsAtWrite = 0;

  /** Writes the cut pages waiting for a datafile, so the checkpoint holds only the open ones. */
  readonly #flushPages: () => Promise<void>;

  constructor(parts: StoreParts, ingest: HeadIngest, restored: { position: WalPosition; bytes: number } | null, makeRoom: (incoming: number) => Promise<void>, flushPages: () => Promise<void> = async () => undefined) {
    this.#parts = parts;
    this.#ingest = ingest;
    this.#makeRoom = makeRoom;
    this.#flushPages = flushPages;
    this.#position = restored?.position ?? null;
    this.#fileBytes = restored?.bytes ?? 0;
    this.#writtenAt = parts.now();
  }

  /** What the checkpoint takes on disk (counted in the store's budget). */
  get bytes(): number {
    return this.#fileBytes + this.#writingBytes;
  }

  /** The WAL position the checkpoint on disk covers; null before the first one. */
  get position(): WalPosition | null {
    return this.#position;
  }

  /** Whether one is due now: by age, by WAL written since, or because ingest went quiet. */
  due(now: number): boolean {
    const points = this.#ingest.pointsIngested;
    this.#readings.push({ at: now, points });
    while (this.#readings.length > 1 && now - this.#readings[1]!.at >= QUIET_MS) this.#readings.shift();
    const covered = this.#ingest.covered;
    if (covered === null || (this.#position !== null && comparePositions(covered, this.#position) <= 0)) return false;
    if (now - this.#writtenAt >= this.#parts.config.checkpoint_interval) return true;
    const oldest = this.#readings[0]!;
    if (now - oldest.at >= QUIET_MS && points - oldest.points <= QUIET_POINTS && points - this.#pointsAtWrite >= BURST_POINTS) return true;
    return this.#walSinceBytes() >= walShareBytes(this.#parts.config.max_disk_bytes) / 4;
  }

  /** Writes a checkpoint of everything ingested so far (one at a time; a call during one waits for it). */
  write(): Promise<void> {
    this.#running ??= this.#write().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  async #write(): Promise<void> {
    const parts = this.#parts;
    // Cut pages go to their datafile first: a checkpoint of them would be written twice (here
    // and in the ring), and under fast ingest they made it several times the open pages' size.
    await this.#flushPages();
    // From here to the snapshot nothing yields: the head and `covered` are taken together.
    const covered = this.#ingest.covered;
    if (covered === null || (this.#position !== null && comparePositions(covered, this.#position) <= 0)) return;
    this.#pointsAtWrite = this.#ingest.pointsIngested;
    // The series references and definitions the checkpoint uses must be on disk before it.
    parts.index.sync();
    const snapshot = parts.head.snapshot();
    // Streaming state at the same position, written first: it is never behind the head's.
    const stream = parts.options.stream;
    const streamState = stream?.snapshot(covered);
    const encode = parts.options.encodePages ?? encodePagesHere;
    const pages = await encode(snapshot);
    const entries: CheckpointEntry[] = snapshot.map((e, i) => ({ ref: e.ref, state: e.state, segment: e.segment, openedAt: e.openedAt, page: pages[i]! }));
    const blocks = [encodeHeader(covered, parts.now()), ...encodeBlocks(entries)];
    const size = blocks.reduce((n, b) => n + b.length, 0);
    // The new file sits beside the old one until the rename: room for both within the budget.
    await this.#makeRoom(size);
    if (stream !== undefined) await stream.persist(streamState);
    this.#writingBytes = size;
    try {
      await this.#replaceFile(blocks);
    } finally {
      this.#writingBytes = 0;
    }
    this.#fileBytes = size;
    this.#position = covered;
    this.#writtenAt = parts.now();
  }

  async #replaceFile(blocks: readonly Buffer[]): Promise<void> {
    const dir = checkpointDir(this.#parts);
    await mkdir(dir, { recursive: true, mode: STORE_DIR_MODE });
    const file = join(dir, 'checkpoint.ckp');
    const temp = `${file}.tmp`;
    const handle = await open(temp, 'w', STORE_FILE_MODE);
    try {
      await handle.writev(blocks);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
    const dirHandle = await open(dir, 'r');
    try {
      await dirHandle.sync();
    } finally {
      await dirHandle.close();
    }
  }

  #walSinceBytes(): number {
    const from = this.#position?.segment ?? 0;
    let bytes = 0;
    for (const s of this.#parts.wal.segments()) if (s.segment >= from) bytes += s.bytes;
    return bytes;
  }
}

/**
 * Puts the checkpoint's head back (before the WAL after it is replayed); returns the position it
 * covers, or null when there is none. Damaged blocks cost their own series' head samples,
 * counted and logged once with file and offset; an unreadable file costs the whole head (the
 * WAL before its position may be gone) and is counted the same way, never fatal.
 */
export interface RestoredCheckpoint {
  readonly position: WalPosition;
  readonly bytes: number;
  /**
   * When blocks were damaged: the float series the checkpoint did restore. The WAL before the
   * position is then replayed for every other series, so what the WAL still holds of the
   * damaged ones comes back (null: nothing damaged, that WAL is only counted).
   */
  readonly restored: Uint8Array | null;
}

export async function restoreCheckpoint(parts: StoreParts): Promise<RestoredCheckpoint | null> {
  const file = join(checkpointDir(parts), 'checkpoint.ckp');
  await unlink(`${file}.tmp`).catch(() => undefined);
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const { logger, counters, head } = parts;
  let decoded;
  try {
    decoded = decodeCheckpoint(bytes, file);
  } catch (err) {
    counters.corrupt.add(1, { part: 'checkpoint' });
    logger.error('head checkpoint unreadable; its samples are lost unless the WAL still holds them', { component: 'store', file, offset: 0, error: (err as Error).message });
    await unlink(file).catch(() => undefined);
    return null;
  }
  for (const d of decoded.damaged) {
    counters.corrupt.add(1, { part: 'checkpoint' });
    logger.error('skipped a damaged head checkpoint block; the samples of its series since their last page are lost', { component: 'store', file, offset: d.offset, error: d.reason });
  }
  let samples = 0;
  const restored = decoded.damaged.length > 0 ? new Uint8Array(decoded.entries.reduce((m, e) => Math.max(m, e.ref + 1), 0)) : null;
  for (const e of decoded.entries) {
    try {
      const page = decodePage(e.page);
      samples += head.restore(e.ref, e.state, e.segment, e.openedAt, page.timestamps, page.values, page.count);
      if (restored !== null) restored[e.ref] = 1;
    } catch (err) {
      counters.corrupt.add(1, { part: 'checkpoint' });
      logger.error('skipped a head checkpoint entry that does not decode', { component: 'store', file, ref: e.ref, error: (err as Error).message });
    }
  }
  logger.info('head checkpoint restored', { component: 'store', file, series: decoded.entries.length, samples, segment: decoded.position.segment, offset: decoded.position.offset });
  return { position: walPosition(Math.max(1, decoded.position.segment), decoded.position.offset), bytes: bytes.length, restored };
}
