import { DISK_IO, DISK_OPERATIONS } from '../semconv.js';
import type { MetricSink, Scraper } from '../scraper.js';
import type { SystemInformation } from './types.js';

const ALL = ['device', 'all'] as const;

/**
 * Totals over all disks under device `all`: operations from si.disksIO(), bytes from
 * si.fsStats(). Either answers null where it is unsupported (Windows), and then that
 * metric is absent.
 */
export function createPortableDiskScraper(si: SystemInformation): Scraper {
  return {
    name: 'disk',
    async scrape(sink: MetricSink): Promise<void> {
      const [io, fs] = await Promise.all([si.disksIO(), si.fsStats()]);
      if (io) {
        sink.counter(DISK_OPERATIONS, [ALL, ['direction', 'read']], io.rIO);
        sink.counter(DISK_OPERATIONS, [ALL, ['direction', 'write']], io.wIO);
      }
      if (fs) {
        sink.counter(DISK_IO, [ALL, ['direction', 'read']], fs.rx);
        sink.counter(DISK_IO, [ALL, ['direction', 'write']], fs.wx);
      }
    },
  };
}
