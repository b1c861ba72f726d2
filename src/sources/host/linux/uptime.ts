import { UPTIME } from '../semconv.js';
import type { HostPaths, MetricSink, Scraper } from '../scraper.js';
import { procPath, readProcFile, splitFields, toNumber } from './proc-text.js';

/** `7453.77 7051.68`: seconds since boot, then idle seconds summed over CPUs. */
export function parseUptime(text: string, source = '/proc/uptime'): number {
  return toNumber(splitFields(text.trim())[0], source, 'uptime');
}

export function createUptimeScraper(paths: HostPaths): Scraper {
  const source = procPath(paths, 'uptime');
  return {
    name: 'uptime',
    async scrape(sink: MetricSink): Promise<void> {
      sink.gauge(UPTIME, [], parseUptime(await readProcFile(source), source));
    },
  };
}
