import { FILESYSTEM_USAGE, FILESYSTEM_UTILIZATION } from '../semconv.js';
import { isExcludedMount, type MountFilter } from '../linux/index.js';
import type { Attributes, MetricSink, Scraper } from '../scraper.js';
import type { SystemInformation } from './types.js';

/** si.fsSize(), with the same exclusions as on Linux. It gives no inode counts. */
export function createPortableFilesystemScraper(si: SystemInformation, filter: MountFilter): Scraper {
  return {
    name: 'filesystem',
    async scrape(sink: MetricSink): Promise<void> {
      for (const f of await si.fsSize()) {
        if (isExcludedMount({ mountpoint: f.mount, type: f.type }, filter)) continue;
        const device = ['device', f.fs] as const;
        const mode = ['mode', f.rw === null ? 'unknown' : f.rw ? 'rw' : 'ro'] as const;
        const mountpoint = ['mountpoint', f.mount] as const;
        const type = ['type', f.type] as const;
        const withState = (state: string): Attributes => [device, mode, mountpoint, ['state', state], type];
        sink.upDown(FILESYSTEM_USAGE, withState('used'), f.used);
        sink.upDown(FILESYSTEM_USAGE, withState('free'), f.available);
        sink.upDown(FILESYSTEM_USAGE, withState('reserved'), Math.max(0, f.size - f.used - f.available));
        if (f.used + f.available > 0) sink.gauge(FILESYSTEM_UTILIZATION, [device, mode, mountpoint, type], f.used / (f.used + f.available));
      }
    },
  };
}
