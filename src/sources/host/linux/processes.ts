import { PROCESSES_COUNT, PROCESSES_CREATED } from '../semconv.js';
import type { HostPaths, MetricSink, Scraper } from '../scraper.js';
import { keyedLineValue, procPath, readProcFile } from './proc-text.js';

export interface ProcessCounts {
  readonly running: number;
  readonly blocked: number;
  /** Forks since boot. */
  readonly created: number;
}

/** The `processes`, `procs_running` and `procs_blocked` lines near the end of /proc/stat. */
export function parseProcessCounts(text: string, source = '/proc/stat'): ProcessCounts {
  return {
    running: keyedLineValue(text, 'procs_running', source),
    blocked: keyedLineValue(text, 'procs_blocked', source),
    created: keyedLineValue(text, 'processes', source),
  };
}

export function createProcessesScraper(paths: HostPaths): Scraper {
  const source = procPath(paths, 'stat');
  return {
    name: 'processes',
    async scrape(sink: MetricSink): Promise<void> {
      const counts = parseProcessCounts(await readProcFile(source), source);
      sink.upDown(PROCESSES_COUNT, [['status', 'running']], counts.running);
      sink.upDown(PROCESSES_COUNT, [['status', 'blocked']], counts.blocked);
      sink.counter(PROCESSES_CREATED, [], counts.created);
    },
  };
}
