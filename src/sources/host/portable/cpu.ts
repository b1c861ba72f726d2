import { cpus } from 'node:os';
import { CPU_LOGICAL_COUNT, CPU_TIME, CPU_UTILIZATION } from '../semconv.js';
import type { MetricSink, Scraper } from '../scraper.js';
import type { SystemInformation } from './types.js';

/**
 * CPU time from os.cpus() (milliseconds per mode, cheap everywhere) and utilization from
 * si.currentLoad(), whose first answer covers the time since boot and is not reported.
 * Node reports no wait, softirq or steal time outside Linux, so those states are absent.
 */
export function createPortableCpuScraper(si: SystemInformation): Scraper {
  let first = true;
  return {
    name: 'cpu',
    async scrape(sink: MetricSink): Promise<void> {
      const infos = cpus();
      infos.forEach(({ times }, i) => {
        const cpu = `cpu${i}`;
        sink.counter(CPU_TIME, [['cpu', cpu], ['state', 'user']], times.user / 1000);
        sink.counter(CPU_TIME, [['cpu', cpu], ['state', 'nice']], times.nice / 1000);
        sink.counter(CPU_TIME, [['cpu', cpu], ['state', 'system']], times.sys / 1000);
        sink.counter(CPU_TIME, [['cpu', cpu], ['state', 'idle']], times.idle / 1000);
        sink.counter(CPU_TIME, [['cpu', cpu], ['state', 'interrupt']], times.irq / 1000);
      });
      if (infos.length > 0) sink.upDown(CPU_LOGICAL_COUNT, [], infos.length);

      const load = await si.currentLoad();
      if (first) {
        first = false;
        return;
      }
      load.cpus.forEach((c, i) => {
        const cpu = `cpu${i}`;
        const shares = [
          ['user', c.loadUser],
          ['nice', c.loadNice],
          ['system', c.loadSystem],
          ['idle', c.loadIdle],
          ['interrupt', c.loadIrq],
          ['steal', c.loadSteal],
        ] as const;
        for (const [state, percent] of shares) {
          if (Number.isFinite(percent)) sink.gauge(CPU_UTILIZATION, [['cpu', cpu], ['state', state]], percent / 100);
        }
      });
    },
  };
}
