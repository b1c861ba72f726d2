import { PROCESSES_COUNT } from '../semconv.js';
import type { MetricSink, Scraper } from '../scraper.js';
import type { SystemInformation } from './types.js';

/** si.processes() counts (it lists every process, the slowest call here); no created count. */
export function createPortableProcessesScraper(si: SystemInformation): Scraper {
  return {
    name: 'processes',
    async scrape(sink: MetricSink): Promise<void> {
      const p = await si.processes();
      sink.upDown(PROCESSES_COUNT, [['status', 'running']], p.running);
      sink.upDown(PROCESSES_COUNT, [['status', 'blocked']], p.blocked);
    },
  };
}
