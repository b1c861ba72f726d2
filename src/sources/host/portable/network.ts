import { NETWORK_DROPPED, NETWORK_ERRORS, NETWORK_IO } from '../semconv.js';
import type { MetricSink, Scraper } from '../scraper.js';
import type { SystemInformation } from './types.js';

/** si.networkStats('*'): bytes, errors and drops per interface; it has no packet counts. */
export function createPortableNetworkScraper(si: SystemInformation): Scraper {
  return {
    name: 'network',
    async scrape(sink: MetricSink): Promise<void> {
      for (const n of await si.networkStats('*')) {
        const receive = [['device', n.iface], ['direction', 'receive']] as const;
        const transmit = [['device', n.iface], ['direction', 'transmit']] as const;
        sink.counter(NETWORK_IO, receive, n.rx_bytes);
        sink.counter(NETWORK_IO, transmit, n.tx_bytes);
        sink.counter(NETWORK_ERRORS, receive, n.rx_errors);
        sink.counter(NETWORK_ERRORS, transmit, n.tx_errors);
        sink.counter(NETWORK_DROPPED, receive, n.rx_dropped);
        sink.counter(NETWORK_DROPPED, transmit, n.tx_dropped);
      }
    },
  };
}
