import { MEMORY_LIMIT, MEMORY_USAGE, MEMORY_UTILIZATION } from '../semconv.js';
import type { HostPaths, MetricSink, Scraper } from '../scraper.js';
import { lines, malformed, procPath, readProcFile, splitFields, toNumber } from './proc-text.js';

/** The /proc/meminfo fields the memory states are made of, in bytes. */
export interface MemInfo {
  readonly total: number;
  readonly free: number;
  readonly buffers: number;
  readonly cached: number;
  readonly slabReclaimable: number;
  readonly slabUnreclaimable: number;
}

const KEYS: ReadonlyMap<string, keyof MemInfo> = new Map([
  ['MemTotal:', 'total'],
  ['MemFree:', 'free'],
  ['Buffers:', 'buffers'],
  ['Cached:', 'cached'],
  ['SReclaimable:', 'slabReclaimable'],
  ['SUnreclaim:', 'slabUnreclaimable'],
]);

/** MemTotal and MemFree are required; the others count as 0 when a kernel lacks them. */
export function parseMeminfo(text: string, source = '/proc/meminfo'): MemInfo {
  const found: Record<keyof MemInfo, number> = { total: NaN, free: NaN, buffers: 0, cached: 0, slabReclaimable: 0, slabUnreclaimable: 0 };
  let wanted = KEYS.size;
  for (const line of lines(text)) {
    const key = KEYS.get(line.slice(0, line.indexOf(':') + 1));
    if (key === undefined) continue;
    const [, value, unit] = splitFields(line);
    // Every size in meminfo is in KiB, spelled kB.
    found[key] = toNumber(value, source, key) * (unit === 'kB' ? 1024 : 1);
    if (--wanted === 0) break;
  }
  if (Number.isNaN(found.total)) throw malformed(source, 'no MemTotal line');
  if (Number.isNaN(found.free)) throw malformed(source, 'no MemFree line');
  return found;
}

/**
 * The system.memory.usage states as the hostmetrics receiver reports them on Linux. used is
 * what remains of MemTotal once free, buffered, cached and slab_reclaimable are taken out,
 * so those five add up to MemTotal exactly; slab_unreclaimable is a part of used.
 */
export function memoryStates(m: MemInfo): readonly (readonly [string, number])[] {
  const used = m.total - m.free - m.buffers - m.cached - m.slabReclaimable;
  return [
    ['used', used],
    ['free', m.free],
    ['buffered', m.buffers],
    ['cached', m.cached],
    ['slab_reclaimable', m.slabReclaimable],
    ['slab_unreclaimable', m.slabUnreclaimable],
  ];
}

export function createMemoryScraper(paths: HostPaths): Scraper {
  const source = procPath(paths, 'meminfo');
  return {
    name: 'memory',
    async scrape(sink: MetricSink): Promise<void> {
      const info = parseMeminfo(await readProcFile(source), source);
      for (const [state, bytes] of memoryStates(info)) {
        const attributes = [['state', state]] as const;
        sink.upDown(MEMORY_USAGE, attributes, bytes);
        if (info.total > 0) sink.gauge(MEMORY_UTILIZATION, attributes, bytes / info.total);
      }
      sink.upDown(MEMORY_LIMIT, [], info.total);
    },
  };
}
