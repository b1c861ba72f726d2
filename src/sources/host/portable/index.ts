import type { HostConfig, HostScraperName } from '../../../config/types.js';
import type { Scraper } from '../scraper.js';
import { createPortableCpuScraper } from './cpu.js';
import { createPortableDiskScraper } from './disk.js';
import { createPortableFilesystemScraper } from './filesystem.js';
import { createPortableLoadScraper } from './load.js';
import { createPortableMemoryScraper } from './memory.js';
import { createPortableNetworkScraper } from './network.js';
import { createPortableProcessesScraper } from './processes.js';
import type { SystemInformation } from './types.js';
import { createPortableUptimeScraper } from './uptime.js';

export type { SystemInformation } from './types.js';

/**
 * The scraper for `name` outside Linux, or undefined where there is none (paging: swap
 * files are not portably readable).
 */
export function createPortableScraper(
  name: HostScraperName,
  config: HostConfig,
  si: SystemInformation,
  platform: NodeJS.Platform,
): Scraper | undefined {
  switch (name) {
    case 'cpu':
      return createPortableCpuScraper(si);
    case 'memory':
      return createPortableMemoryScraper(si);
    case 'load':
      return createPortableLoadScraper(platform);
    case 'disk':
      return createPortableDiskScraper(si);
    case 'filesystem':
      return createPortableFilesystemScraper(si, {
        excludeTypes: config.filesystem.exclude_types,
        excludeMountpoints: config.filesystem.exclude_mountpoints,
      });
    case 'network':
      return createPortableNetworkScraper(si);
    case 'processes':
      return createPortableProcessesScraper(si);
    case 'uptime':
      return createPortableUptimeScraper();
    case 'paging':
      return undefined;
  }
}
