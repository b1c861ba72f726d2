import { loadavg } from 'node:os';
import { LOAD_15M, LOAD_1M, LOAD_5M } from '../semconv.js';
import type { MetricSink, Scraper } from '../scraper.js';

/** os.loadavg(). Windows has no load average (Node returns zeros), so nothing is reported there. */
export function createPortableLoadScraper(platform: NodeJS.Platform): Scraper {
  return {
    name: 'load',
    async scrape(sink: MetricSink): Promise<void> {
      if (platform === 'win32') return;
      const [m1 = 0, m5 = 0, m15 = 0] = loadavg();
      sink.gauge(LOAD_1M, [], m1);
      sink.gauge(LOAD_5M, [], m5);
      sink.gauge(LOAD_15M, [], m15);
    },
  };
}
