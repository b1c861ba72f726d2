import { PAGING_FAULTS, PAGING_OPERATIONS, PAGING_USAGE, PAGING_UTILIZATION } from '../semconv.js';
import type { HostPaths, MetricSink, Scraper } from '../scraper.js';
import {
  decodeOctalEscapes,
  fieldNumber,
  keyedLineValue,
  lines,
  malformed,
  procPath,
  readOptionalProcFile,
  readProcFile,
  splitFields,
} from './proc-text.js';

export interface SwapDevice {
  readonly device: string;
  readonly sizeBytes: number;
  readonly usedBytes: number;
}

/** /proc/swaps after its header: `Filename Type Size Used Priority`, sizes in KiB. */
export function parseSwaps(text: string, source = '/proc/swaps'): SwapDevice[] {
  const devices: SwapDevice[] = [];
  const all = lines(text);
  for (let i = 1; i < all.length; i++) {
    const f = splitFields(all[i]!);
    if (f.length === 0) continue;
    if (f.length < 4) throw malformed(source, `line ${i + 1} has ${f.length} fields, expected 5`);
    devices.push({
      device: decodeOctalEscapes(f[0]!),
      sizeBytes: fieldNumber(f, 2, source) * 1024,
      usedBytes: fieldNumber(f, 3, source) * 1024,
    });
  }
  return devices;
}

export interface PagingCounters {
  /** pgpgin / pgpgout: pages (KiB, in fact) moved between memory and any block device. */
  readonly pagesIn: number;
  readonly pagesOut: number;
  /** pswpin / pswpout: pages moved to and from swap. */
  readonly swapIn: number;
  readonly swapOut: number;
  readonly faults: number;
  readonly majorFaults: number;
}

export function parseVmstat(text: string, source = '/proc/vmstat'): PagingCounters {
  return {
    pagesIn: keyedLineValue(text, 'pgpgin', source),
    pagesOut: keyedLineValue(text, 'pgpgout', source),
    swapIn: keyedLineValue(text, 'pswpin', source),
    swapOut: keyedLineValue(text, 'pswpout', source),
    faults: keyedLineValue(text, 'pgfault', source),
    majorFaults: keyedLineValue(text, 'pgmajfault', source),
  };
}

/**
 * Swap use per device and the paging counters, mapped as the hostmetrics receiver maps them
 * on Linux: swap traffic is the `major` type, block-device paging the `minor` one. A kernel
 * without swap support has no /proc/swaps, and then only the counters are reported.
 */
export function createPagingScraper(paths: HostPaths): Scraper {
  const swapsSource = procPath(paths, 'swaps');
  const vmstatSource = procPath(paths, 'vmstat');
  return {
    name: 'paging',
    async scrape(sink: MetricSink): Promise<void> {
      const [swaps, vmstat] = await Promise.all([readOptionalProcFile(swapsSource), readProcFile(vmstatSource)]);
      if (swaps !== undefined) {
        for (const d of parseSwaps(swaps, swapsSource)) {
          const free = d.sizeBytes - d.usedBytes;
          const used = [['device', d.device], ['state', 'used']] as const;
          const unused = [['device', d.device], ['state', 'free']] as const;
          sink.upDown(PAGING_USAGE, used, d.usedBytes);
          sink.upDown(PAGING_USAGE, unused, free);
          if (d.sizeBytes > 0) {
            sink.gauge(PAGING_UTILIZATION, used, d.usedBytes / d.sizeBytes);
            sink.gauge(PAGING_UTILIZATION, unused, free / d.sizeBytes);
          }
        }
      }
      const c = parseVmstat(vmstat, vmstatSource);
      sink.counter(PAGING_OPERATIONS, [['direction', 'page_in'], ['type', 'major']], c.swapIn);
      sink.counter(PAGING_OPERATIONS, [['direction', 'page_out'], ['type', 'major']], c.swapOut);
      sink.counter(PAGING_OPERATIONS, [['direction', 'page_in'], ['type', 'minor']], c.pagesIn);
      sink.counter(PAGING_OPERATIONS, [['direction', 'page_out'], ['type', 'minor']], c.pagesOut);
      sink.counter(PAGING_FAULTS, [['type', 'major']], c.majorFaults);
      sink.counter(PAGING_FAULTS, [['type', 'minor']], Math.max(0, c.faults - c.majorFaults));
    },
  };
}
