import { MEMORY_LIMIT, MEMORY_USAGE, MEMORY_UTILIZATION } from '../semconv.js';
import type { MetricSink, Scraper } from '../scraper.js';
import type { SystemInformation } from './types.js';

/**
 * si.mem(). Buffers and cache are only known on some systems (0 elsewhere); used is what
 * remains of the total, so the four states still add up to it. No slab states.
 */
export function createPortableMemoryScraper(si: SystemInformation): Scraper {
  return {
    name: 'memory',
    async scrape(sink: MetricSink): Promise<void> {
      const m = await si.mem();
      const buffers = m.buffers || 0;
      const cached = m.cached || 0;
      const states = [
        ['used', m.total - m.free - buffers - cached],
        ['free', m.free],
        ['buffered', buffers],
        ['cached', cached],
      ] as const;
      for (const [state, bytes] of states) {
        sink.upDown(MEMORY_USAGE, [['state', state]], bytes);
        if (m.total > 0) sink.gauge(MEMORY_UTILIZATION, [['state', state]], bytes / m.total);
      }
      sink.upDown(MEMORY_LIMIT, [], m.total);
    },
  };
}
