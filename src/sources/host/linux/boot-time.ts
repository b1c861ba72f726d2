import type { HostPaths } from '../scraper.js';
import { keyedLineValue, procPath, readProcFile } from './proc-text.js';

/** The `btime` line of /proc/stat (seconds since the epoch) in milliseconds. */
export function parseBootTimeMs(text: string, source = '/proc/stat'): number {
  return keyedLineValue(text, 'btime', source) * 1000;
}

/** When the host booted: the start time of its cumulative counters. */
export async function readBootTimeMs(paths: HostPaths): Promise<number> {
  const source = procPath(paths, 'stat');
  return parseBootTimeMs(await readProcFile(source), source);
}
