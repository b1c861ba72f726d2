import type { HostConfig, HostScraperName } from '../../config/types.js';
import {
  createCpuScraper,
  createDiskScraper,
  createFilesystemScraper,
  createLoadScraper,
  createMemoryScraper,
  createNetworkScraper,
  createPagingScraper,
  createProcessesScraper,
  createProcessScraper,
  createUptimeScraper,
} from './linux/index.js';
import type { HostPaths, Scraper } from './scraper.js';

/**
 * The scrapers `config` asks for, in its order, then `process` when host.process is on.
 * On Linux they read /proc and /sys under host.root_path. Elsewhere they are built on the
 * systeminformation package, loaded only then (it adds ~10 MiB of memory); there, paging
 * and per-process metrics are not available and root_path is not used.
 */
export async function createScrapers(config: HostConfig, platform: NodeJS.Platform = process.platform): Promise<Scraper[]> {
  if (platform === 'linux') {
    const paths = hostPaths(config.root_path);
    const scrapers = config.scrapers.map((name) => createLinuxScraper(name, config, paths));
    if (config.process.enabled) scrapers.push(createProcessScraper(paths, { top: config.process.top }));
    return scrapers;
  }
  const [si, { createPortableScraper }] = await Promise.all([import('systeminformation'), import('./portable/index.js')]);
  return config.scrapers.flatMap((name) => createPortableScraper(name, config, si, platform) ?? []);
}

/** host.root_path as a prefix: '' for /, otherwise without trailing slashes. */
export function hostPaths(rootPath: string): HostPaths {
  let root = rootPath;
  while (root.endsWith('/')) root = root.slice(0, -1);
  return { root };
}

function createLinuxScraper(name: HostScraperName, config: HostConfig, paths: HostPaths): Scraper {
  switch (name) {
    case 'cpu':
      return createCpuScraper(paths);
    case 'memory':
      return createMemoryScraper(paths);
    case 'load':
      return createLoadScraper(paths);
    case 'disk':
      return createDiskScraper(paths);
    case 'filesystem':
      return createFilesystemScraper(paths, {
        excludeTypes: config.filesystem.exclude_types,
        excludeMountpoints: config.filesystem.exclude_mountpoints,
      });
    case 'network':
      return createNetworkScraper(paths);
    case 'paging':
      return createPagingScraper(paths);
    case 'processes':
      return createProcessesScraper(paths);
    case 'uptime':
      return createUptimeScraper(paths);
  }
}
