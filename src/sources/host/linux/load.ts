import { LOAD_15M, LOAD_1M, LOAD_5M } from '../semconv.js';
import type { HostPaths, MetricSink, Scraper } from '../scraper.js';
import { procPath, readProcFile, splitFields, toNumber } from './proc-text.js';

export interface LoadAverage {
  readonly m1: number;
  readonly m5: number;
  readonly m15: number;
}

/** `0.10 1.11 1.97 1/82 19236`: the first three fields. */
export function parseLoadavg(text: string, source = '/proc/loadavg'): LoadAverage {
  const fields = splitFields(text.trim());
  return {
    m1: toNumber(fields[0], source, '1-minute load'),
    m5: toNumber(fields[1], source, '5-minute load'),
    m15: toNumber(fields[2], source, '15-minute load'),
  };
}

export function createLoadScraper(paths: HostPaths): Scraper {
  const source = procPath(paths, 'loadavg');
  return {
    name: 'load',
    async scrape(sink: MetricSink): Promise<void> {
      const load = parseLoadavg(await readProcFile(source), source);
      sink.gauge(LOAD_1M, [], load.m1);
      sink.gauge(LOAD_5M, [], load.m5);
      sink.gauge(LOAD_15M, [], load.m15);
    },
  };
}
