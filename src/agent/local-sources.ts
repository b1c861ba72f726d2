import os from 'node:os';
import type { Config } from '../config/index.js';
import { createScrapers, hostPaths } from '../host/create-scrapers.js';
import { HostCollector } from '../host/collector.js';
import { readBootTimeMs } from '../host/linux/boot-time.js';
import { readHostId } from '../host/linux/host-id.js';
import { hostResource } from '../host/resource.js';
import type { LocalAppend } from '../local/index.js';
import { localOrigin } from '../local/index.js';
import type { Logger } from '../log/index.js';
import type { Registry } from '../telemetry/index.js';
import { SelfMetricsWriter } from '../telemetry/self-batch.js';

export interface LocalSourcesOptions {
  readonly config: Config;
  readonly registry: Registry;
  readonly append: LocalAppend;
  readonly hasSeries: (hi: number, lo: number) => boolean;
  readonly logger: Logger;
}

export interface LocalSources {
  /** Stops ticking and waits for collections under way. */
  stop(): Promise<void>;
}

/**
 * The agent's own data sources: the host collector (host.*) and the self-metrics writer
 * (telemetry.*), both feeding the store through the ingest pipeline.
 */
export async function startLocalSources(options: LocalSourcesOptions): Promise<LocalSources> {
  const { config, registry, append, hasSeries, logger } = options;
  const paths = hostPaths(config.host.root_path);
  const hostId = process.platform === 'linux' ? await readHostId(paths).catch(() => undefined) : undefined;
  const resource = hostResource(hostId);
  let host: HostCollector | undefined;
  if (config.host.enabled) {
    const bootTimeMs = process.platform === 'linux' ? await readBootTimeMs(paths) : Date.now() - os.uptime() * 1000;
    host = new HostCollector({
      scrapers: await createScrapers(config.host),
      intervalMs: config.host.interval,
      origin: localOrigin(resource, 'cairn/hostmetrics'),
      bootTimeMs,
      append,
      hasSeries,
      registry,
      logger,
    });
    host.start();
  }
  let self: SelfMetricsWriter | undefined;
  if (config.telemetry.store) {
    // No service.version: the resource is part of each series' identity, and an upgrade must
    // not start new series.
    const selfResource: [string, string][] = [['service.name', 'cairn'], ['service.instance.id', resource[0]![1]], ...resource];
    self = new SelfMetricsWriter({ registry, intervalMs: config.telemetry.interval, origin: localOrigin(selfResource, 'cairn/self'), startMs: Date.now(), append, hasSeries, logger });
    self.start();
  }
  return {
    async stop() {
      self?.stop();
      await host?.stop();
    },
  };
}
