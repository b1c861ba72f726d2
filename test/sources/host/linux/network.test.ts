import { describe, expect, it } from 'vitest';
import { createNetworkScraper, parseNetDev } from '../../../../src/sources/host/linux/network.js';
import { FIXTURE_PATHS, HOST_PATHS } from '../fixtures/host-config.js';
import { RecordingSink } from '../fixtures/recording-sink.js';

const HEADER = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
`;

describe('parseNetDev', () => {
  it('reads names ending at the colon, with or without a space after it', () => {
    const parsed = parseNetDev(
      `${HEADER}    lo: 111076441020 5029287    0    0    0     0          0         0 111076441020 5029287    0    0    0     0       0          0
  eth0:4656744041234   16674    1    2    0     0          0         0  1699001   12115    3    4    0     0       0          0
`,
    );
    expect(parsed).toEqual([
      {
        device: 'lo',
        receiveBytes: 111076441020,
        receivePackets: 5029287,
        receiveErrors: 0,
        receiveDropped: 0,
        transmitBytes: 111076441020,
        transmitPackets: 5029287,
        transmitErrors: 0,
        transmitDropped: 0,
      },
      {
        device: 'eth0',
        receiveBytes: 4656744041234,
        receivePackets: 16674,
        receiveErrors: 1,
        receiveDropped: 2,
        transmitBytes: 1699001,
        transmitPackets: 12115,
        transmitErrors: 3,
        transmitDropped: 4,
      },
    ]);
  });

  it('names the file for a line without a colon or with missing counters', () => {
    expect(() => parseNetDev(`${HEADER}eth0 1 2 3\n`, '/h/proc/1/net/dev')).toThrow('malformed /h/proc/1/net/dev: no "name:" in line 3');
    expect(() => parseNetDev(`${HEADER}eth0: 1 2 3\n`)).toThrow('line 3 has 3 counters, expected 16');
  });
});

describe('network scraper', () => {
  it('reports every interface of this machine, loopback included', async () => {
    const sink = new RecordingSink();
    await createNetworkScraper(HOST_PATHS).scrape(sink);
    expect(sink.names()).toEqual(['system.network.dropped', 'system.network.errors', 'system.network.io', 'system.network.packets']);
    expect(sink.value('system.network.io', { device: 'lo', direction: 'receive' })).toBeGreaterThanOrEqual(0);
    expect(sink.one('system.network.packets', { device: 'lo', direction: 'transmit' })).toMatchObject({ kind: 'counter', metric: { unit: '{packets}', int: true } });
  });

  it('reads PID 1\'s view under a root path', async () => {
    const sink = new RecordingSink();
    await createNetworkScraper(FIXTURE_PATHS).scrape(sink);
    expect(sink.value('system.network.io', { device: 'eth0', direction: 'receive' })).toBe(9876543210);
    expect(sink.value('system.network.errors', { device: 'eth0', direction: 'receive' })).toBe(3);
    expect(sink.value('system.network.dropped', { device: 'eth0', direction: 'transmit' })).toBe(2);
  });
});
