import { NETWORK_DROPPED, NETWORK_ERRORS, NETWORK_IO, NETWORK_PACKETS } from '../semconv.js';
import type { HostPaths, MetricSink, Scraper } from '../scraper.js';
import { fieldNumber, hostViewPath, lines, malformed, readProcFile, splitFields } from './proc-text.js';

export interface InterfaceStats {
  readonly device: string;
  readonly receiveBytes: number;
  readonly receivePackets: number;
  readonly receiveErrors: number;
  readonly receiveDropped: number;
  readonly transmitBytes: number;
  readonly transmitPackets: number;
  readonly transmitErrors: number;
  readonly transmitDropped: number;
}

/**
 * /proc/net/dev after its two header lines: `name: 8 receive columns 8 transmit columns`.
 * Large counters leave no space after the colon (`eth0:123456`), so the name ends at the
 * colon, not at a blank (interface names cannot contain one).
 */
export function parseNetDev(text: string, source = '/proc/net/dev'): InterfaceStats[] {
  const interfaces: InterfaceStats[] = [];
  const all = lines(text);
  for (let i = 2; i < all.length; i++) {
    const line = all[i]!;
    const colon = line.indexOf(':');
    if (colon < 0) throw malformed(source, `no "name:" in line ${i + 1}`);
    const f = splitFields(line.slice(colon + 1));
    if (f.length < 16) throw malformed(source, `line ${i + 1} has ${f.length} counters, expected 16`);
    interfaces.push({
      device: line.slice(0, colon).trim(),
      receiveBytes: fieldNumber(f, 0, source),
      receivePackets: fieldNumber(f, 1, source),
      receiveErrors: fieldNumber(f, 2, source),
      receiveDropped: fieldNumber(f, 3, source),
      transmitBytes: fieldNumber(f, 8, source),
      transmitPackets: fieldNumber(f, 9, source),
      transmitErrors: fieldNumber(f, 10, source),
      transmitDropped: fieldNumber(f, 11, source),
    });
  }
  return interfaces;
}

/** Every interface, loopback and down ones included, as the hostmetrics receiver does. */
export function createNetworkScraper(paths: HostPaths): Scraper {
  const source = hostViewPath(paths, 'net/dev');
  return {
    name: 'network',
    async scrape(sink: MetricSink): Promise<void> {
      for (const s of parseNetDev(await readProcFile(source), source)) {
        const device = ['device', s.device] as const;
        const receive = [device, ['direction', 'receive']] as const;
        const transmit = [device, ['direction', 'transmit']] as const;
        sink.counter(NETWORK_IO, receive, s.receiveBytes);
        sink.counter(NETWORK_IO, transmit, s.transmitBytes);
        sink.counter(NETWORK_PACKETS, receive, s.receivePackets);
        sink.counter(NETWORK_PACKETS, transmit, s.transmitPackets);
        sink.counter(NETWORK_ERRORS, receive, s.receiveErrors);
        sink.counter(NETWORK_ERRORS, transmit, s.transmitErrors);
        sink.counter(NETWORK_DROPPED, receive, s.receiveDropped);
        sink.counter(NETWORK_DROPPED, transmit, s.transmitDropped);
      }
    },
  };
}
