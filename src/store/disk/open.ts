import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { STORE_DIR_MODE } from '../file-modes.js';
import { Flattener } from '../flatten/index.js';
import { Head } from '../head/index.js';
import type { ReadLoss } from '../ring/index.js';
import { DatafileRing } from '../ring/index.js';
import { SeriesIndex } from '../series/index.js';
import { SegmentPoints } from '../tail/index.js';
import { Wal } from '../wal/index.js';
import type { RestoredCheckpoint } from './checkpoint.js';
import { restoreCheckpoint } from './checkpoint.js';
import { lockStoreDir } from './dir-lock.js';
import { HeadIngest } from './ingest.js';
import { reportOpenDamage } from './open-damage.js';
import type { DiskStoreOptions, StoreCounters, StoreParts } from './parts.js';
import { replayRecord } from './replay-record.js';
import { walSegmentBytes } from './wal-share.js';
import { openTiers } from '../tiers/index.js';

/**
 * Opens the store directory: takes the lock, reads the series index, rebuilds the page index
 * from the ring's journals, restores the head from its checkpoint and replays the WAL after it.
 */
export async function openStore(options: DiskStoreOptions, counters: StoreCounters): Promise<{ parts: StoreParts; ingest: HeadIngest; checkpoint: RestoredCheckpoint | null }> {
  const c = options.config;
  const now = options.now ?? Date.now;
  const logger = options.logger;
  const dirs = { wal: join(c.path, 'wal'), tier0: join(c.path, 'tier0'), index: join(c.path, 'index') };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true, mode: STORE_DIR_MODE });
  const unlock = lockStoreDir(c.path, logger);
  try {
    const index = SeriesIndex.open(dirs.index);
    const onReadLoss = (loss: ReadLoss): void => counters.corrupt.add(1, { part: loss.part });
    const opened = await DatafileRing.open({ dir: dirs.tier0, datafileBytes: c.datafile_bytes, compress: options.compress, decompress: options.decompress, logger, onReadLoss });
    const pages = opened.pages;
    index.reserveBelow(pages.maxRef() + 1);
    const head = new Head({ pagePoints: c.page_points, pageMaxAgeMs: c.page_max_age, flushedMaxT: (ref) => pages.maxT(ref) });
    const wal = await Wal.open({ dir: dirs.wal, segmentBytes: walSegmentBytes(c.wal.segment_bytes, c.max_disk_bytes), fsync: c.wal.fsync, fsyncIntervalMs: c.wal.fsync_interval, logger });
    const tiers = await openTiers(options, index, now);
    const parts: StoreParts = { config: c, options, logger, now, counters, wal, ring: opened.ring, index, head, flattener: new Flattener(index, options.maxBucketsPerPoint), pages, segmentPoints: new SegmentPoints(), tiers, unlock };
    const ingest = new HeadIngest(parts);
    const started = now();
    const checkpoint = await restoreCheckpoint(parts);
    const replay = await wal.replay(undefined, (rec) => replayRecord(parts, ingest, rec, checkpoint));
    reportOpenDamage({ counters, logger, ring: opened.stats, index, pages, walCorrupt: replay.corruptRecordsSkipped });
    logger.info('store opened', { component: 'store', path: c.path, series: index.seriesCount, pages: pages.pageCount, replayMs: now() - started, ...replay });
    return { parts, ingest, checkpoint };
  } catch (err) {
    unlock();
    throw err;
  }
}
