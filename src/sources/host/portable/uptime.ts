import { uptime } from 'node:os';
import { UPTIME } from '../semconv.js';
import type { MetricSink, Scraper } from '../scraper.js';

export function createPortableUptimeScraper(): Scraper {
  return {
    name: 'uptime',
    async scrape(sink: MetricSink): Promise<void> {
      sink.gauge(UPTIME, [], uptime());
    },
  };
}
