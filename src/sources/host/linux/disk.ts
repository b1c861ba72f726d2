import {
  DISK_IO,
  DISK_IO_TIME,
  DISK_MERGED,
  DISK_OPERATION_TIME,
  DISK_OPERATIONS,
  DISK_PENDING_OPERATIONS,
  DISK_WEIGHTED_IO_TIME,
} from '../semconv.js';
import type { HostPaths, MetricSink, Scraper } from '../scraper.js';
import { fieldNumber, lines, malformed, procPath, readProcFile, splitFields } from './proc-text.js';

/** /proc/diskstats counts sectors of 512 bytes whatever the device's own sector size. */
const SECTOR_BYTES = 512;

export interface DiskStats {
  readonly device: string;
  readonly reads: number;
  readonly readsMerged: number;
  readonly sectorsRead: number;
  readonly readMs: number;
  readonly writes: number;
  readonly writesMerged: number;
  readonly sectorsWritten: number;
  readonly writeMs: number;
  readonly inProgress: number;
  readonly ioMs: number;
  readonly weightedIoMs: number;
}

/**
 * One entry per line. Lines have 14 fields (kernel 2.6.25+), 18 (4.18+, discards) or
 * 20 (5.5+, flushes); the first 14 mean the same in all three, and only those are read.
 */
export function parseDiskstats(text: string, source = '/proc/diskstats'): DiskStats[] {
  const disks: DiskStats[] = [];
  for (const line of lines(text)) {
    const f = splitFields(line);
    if (f.length === 0) continue;
    if (f.length < 14) throw malformed(source, `line for ${f[2] ?? '?'} has ${f.length} fields, expected at least 14`);
    disks.push({
      device: f[2]!,
      reads: fieldNumber(f, 3, source),
      readsMerged: fieldNumber(f, 4, source),
      sectorsRead: fieldNumber(f, 5, source),
      readMs: fieldNumber(f, 6, source),
      writes: fieldNumber(f, 7, source),
      writesMerged: fieldNumber(f, 8, source),
      sectorsWritten: fieldNumber(f, 9, source),
      writeMs: fieldNumber(f, 10, source),
      inProgress: fieldNumber(f, 11, source),
      ioMs: fieldNumber(f, 12, source),
      weightedIoMs: fieldNumber(f, 13, source),
    });
  }
  return disks;
}

/** Loop, ram and zram devices nobody has used: the same zero series on every host. */
export function isUnusedDisk(d: DiskStats): boolean {
  return d.reads === 0 && d.writes === 0;
}

export function createDiskScraper(paths: HostPaths): Scraper {
  const source = procPath(paths, 'diskstats');
  return {
    name: 'disk',
    async scrape(sink: MetricSink): Promise<void> {
      for (const d of parseDiskstats(await readProcFile(source), source)) {
        if (isUnusedDisk(d)) continue;
        const device = ['device', d.device] as const;
        const read = [device, ['direction', 'read']] as const;
        const write = [device, ['direction', 'write']] as const;
        sink.counter(DISK_IO, read, d.sectorsRead * SECTOR_BYTES);
        sink.counter(DISK_IO, write, d.sectorsWritten * SECTOR_BYTES);
        sink.counter(DISK_OPERATIONS, read, d.reads);
        sink.counter(DISK_OPERATIONS, write, d.writes);
        sink.counter(DISK_OPERATION_TIME, read, d.readMs / 1000);
        sink.counter(DISK_OPERATION_TIME, write, d.writeMs / 1000);
        sink.counter(DISK_MERGED, read, d.readsMerged);
        sink.counter(DISK_MERGED, write, d.writesMerged);
        sink.counter(DISK_IO_TIME, [device], d.ioMs / 1000);
        sink.counter(DISK_WEIGHTED_IO_TIME, [device], d.weightedIoMs / 1000);
        sink.upDown(DISK_PENDING_OPERATIONS, [device], d.inProgress);
      }
    },
  };
}
