import os from 'node:os';
import type { Component } from '../component/index.js';
import type { Config } from '../config/index.js';
import { createScrapers, HostCollector, hostPaths, hostResource, readBootTimeMs, readHostId } from './host/index.js';
import type { LocalAppend } from './kit/index.js';
import { localOrigin } from './kit/index.js';
import type { Logger } from '../log/index.js';
import type { Registry } from '../telemetry/index.js';
import { SelfMetricsWriter } from './self/index.js';

/** The `job` of host metrics; `instance` is the host name. */
export const HOST_JOB = 'cairn-host';

export interface LocalSourcesOptions {
  readonly config: Config;
  readonly registry: Registry;
  readonly append: LocalAppend;
  readonly hasSeries: (hi: number, lo: number) => boolean;
  readonly logger: Logger;
}

/** Started by `startLocalSources`; `shutdown` stops ticking and waits for collections under way. */
export type LocalSources = Pick<Component, 'shutdown'>;

/**
 * The agent's own data sources: the host collector (host.*) and the self-metrics writer
 * (telemetry.*), both feeding the store through the ingest pipeline.
 */
export async function startLocalSources(options: LocalSourcesOptions): Promise<LocalSources> {
  const { config, registry, append, hasSeries, logger } = options;
  const paths = hostPaths(config.host.root_path);
  const hostId = process.platform === 'linux' ? await readHostId(paths).catch(() => undefined) : undefined;
  const resource = hostResource(hostId);
  // Locally collected series are a service of their own, so dashboards that filter on
  // job/instance find them; host.name and the rest go to target_info, as for any service.
  const hostService: [string, string][] = [['service.name', HOST_JOB], ['service.instance.id', os.hostname()], ...resource];
  let host: HostCollector | undefined;
  if (config.host.enabled) {
    const bootTimeMs = await bootTime(paths, logger);
    const scrapers = await createScrapers(config.host);
    host = new HostCollector({
      scrapers,
      intervalMs: config.host.interval,
      origin: localOrigin(hostService, 'cairn/hostmetrics'),
      bootTimeMs,
      append,
      hasSeries,
      registry,
      logger,
    });
    host.start();
    logger.info('host collector started', { component: 'host', interval_ms: config.host.interval, scrapers: scrapers.map((x) => x.name).join(','), root: config.host.root_path });
  }
  let self: SelfMetricsWriter | undefined;
  if (config.telemetry.store) {
    // No service.version: the resource is part of each series' identity, and an upgrade must
    // not start new series.
    const selfResource: [string, string][] = [['service.name', 'cairn'], ['service.instance.id', os.hostname()], ...resource];
    self = new SelfMetricsWriter({ registry, intervalMs: config.telemetry.interval, origin: localOrigin(selfResource, 'cairn/self'), startMs: Date.now(), append, hasSeries, logger });
    self.start();
  }
  return {
    async shutdown() {
      self?.stop();
      await host?.stop();
    },
  };
}

/** When the host booted: the start of its counters. A root without /proc/stat is not fatal. */
async function bootTime(paths: ReturnType<typeof hostPaths>, logger: Logger): Promise<number> {
  const fromUptime = (): number => Date.now() - os.uptime() * 1000;
  if (process.platform !== 'linux') return fromUptime();
  try {
    return await readBootTimeMs(paths);
  } catch (err) {
    logger.warn('host boot time unknown; counters start at the agent host\'s boot', { component: 'host', error: (err as Error).message });
    return fromUptime();
  }
}
