import os from 'node:os';
import type { ApiServer } from '../api/index.js';
import { createApiServer } from '../api/index.js';
import type { Reloadable } from '../component/index.js';
import type { Config, LogLevel } from '../config/index.js';
import { parseEndpoint, resolveThreads } from '../config/index.js';
import type { Logger } from '../log/index.js';
import type { SeriesLimitSettings } from '../pipeline/index.js';
import { Admission, IngestPipeline, SeriesLimiter } from '../pipeline/index.js';
import type { Receiver } from '../receivers/index.js';
import type { Store } from '../store/index.js';
import { DiskStore, NonDurableMemoryStore, walShareBytes } from '../store/index.js';
import { ExporterSet } from '../exporters/index.js';
import { exportFilter, StreamAggregation } from '../aggregation/index.js';
import { prometheusText, Registry } from '../telemetry/index.js';
import { registerWorkerMetrics } from './worker-gauges.js';
import type { DecodeWorkerData, WorkerPool } from '../workers/index.js';
import { createWorkerPool, decodeWorkerScript } from '../workers/index.js';
import { createPageEncoder, createRollupRunner, createStoreCompressor, decompressExtentBytes } from './store-compression.js';
import type { LocalSources } from '../sources/index.js';
import { startLocalSources } from '../sources/index.js';
import { registerProcessMetrics } from './process-gauges.js';
import { registerStoreGauges } from './store-gauges.js';
import { ConfigReloader } from './config-reloader.js';
import { decodeSettings, decodeSettingsReloadable } from './decode-settings.js';
import { buildApiSecurity, buildReceivers } from './listeners.js';

export interface AgentOptions {
  readonly config: Config;
  readonly logger: Logger;
  /** Defaults to the on-disk store at `store.path`. */
  readonly store?: Store;
  /** The file `config` came from, read again on reload (undefined: the built-in defaults). */
  readonly configFile?: string;
  /** Lets a reload change the log level. */
  readonly setLogLevel?: (level: LogLevel) => void;
}

export interface Agent {
  readonly receivers: readonly Receiver[];
  readonly api: ApiServer | undefined;
  readonly store: Store;
  readonly registry: Registry;
  readonly pool: WorkerPool;
  readonly admission: Admission;
  /** The configuration in force (changes on reload). */
  readonly config: Config;
  /** Re-reads the configuration file; resolves with null once in force, else why it was refused (the old one stays). */
  reload(): Promise<string | null>;
  readonly exporters: ExporterSet;
  /** Stop accepting, drain, stop workers and the store; idempotent. */
  shutdown(): Promise<void>;
}

const seriesLimitSettings = (c: Config): SeriesLimitSettings => ({
  maxSeries: c.limits.max_series,
  maxSeriesPerMetric: c.limits.max_series_per_metric,
  maxNewSeriesPerMinute: c.limits.max_new_series_per_minute,
});

/**
 * The composition root: builds every component from the config, starts them against the
 * data flow (workers and store first, receivers last) and shuts them down along it.
 */
export async function startAgent(options: AgentOptions): Promise<Agent> {
  const { config, logger } = options;
  const registry = new Registry();
  const threads = resolveThreads(config.workers.threads, os.availableParallelism());
  const workerData: DecodeWorkerData = decodeSettings(config);
  // Before the store: it sees every sample the store ingests (replay included).
  const aggregation = new StreamAggregation({ config, logger, registry });
  const pool = createWorkerPool({ size: threads, script: decodeWorkerScript(), workerData, logger, idleTimeoutMs: config.workers.idle_timeout });
  const store =
    options.store ??
    (config.store.enabled
      ? new DiskStore({
          config: config.store,
          compress: createStoreCompressor(pool),
          decompress: decompressExtentBytes,
          encodePages: createPageEncoder(pool),
          rollups: config.rollups,
          rollup: createRollupRunner(pool),
          ...(config.aggregation.length > 0 ? { stream: aggregation.stream } : {}),
          maxBucketsPerPoint: config.limits.max_buckets_per_point,
          logger,
          registry,
        })
      : new NonDurableMemoryStore({ maxPoints: 1_000_000 }));
  let exporters: ExporterSet;
  try {
    // Validated before anything starts: a bad exporter entry is a config error, not a runtime one.
    // What the aggregation rules keep from the exporters (restart-only, like the rules).
    const leaveOut = exportFilter(config.aggregation);
    exporters = new ExporterSet({ config, store, registry, logger, walShareBytes: walShareBytes(config.store.max_disk_bytes), walBytes: () => (store.ready ? store.usage().walBytes : 0), ...(leaveOut !== null ? { leaveOut } : {}) });
    await store.start();
    await exporters.start();
  } catch (err) {
    await store.shutdown(0);
    await pool.shutdown();
    throw err;
  }
  const admission = new Admission(config.limits.max_inflight_bytes);
  const limiter = new SeriesLimiter(store, seriesLimitSettings(config));
  limiter.seed();
  const pipeline = new IngestPipeline({ pool, store, admission, retryAfterMs: config.limits.retry_after, registry, logger, limiter });
  registry.gauge('cairn_pipeline_inflight_bytes', 'Request bytes admitted and not yet answered.', () => admission.inFlightBytes);
  registerWorkerMetrics(registry, pool);
  const stopProcessMetrics = registerProcessMetrics(registry);
  // The memory store (store.enabled: false, or one a test passes in) keeps nothing to query or measure.
  const durable = options.store === undefined && config.store.enabled;
  if (durable) registerStoreGauges(registry, store, config.store.max_disk_bytes);

  const reloader = new ConfigReloader({ file: options.configFile, initial: config, logger, registry });
  const deps = { logger, registry };
  let built: { receivers: Receiver[]; reloadable: Reloadable };
  let apiSecurity: ReturnType<typeof buildApiSecurity> | undefined;
  try {
    built = buildReceivers(config, pipeline, deps);
    if (config.api.enabled && durable) apiSecurity = buildApiSecurity(config, deps);
  } catch (err) {
    await exporters.shutdown(0);
    await store.shutdown(0);
    await pool.shutdown();
    throw err;
  }
  const receivers = built.receivers;
  reloader.add(decodeSettingsReloadable(pool));
  reloader.add({
    name: 'limits',
    prepare: (next) => () => {
      limiter.update(seriesLimitSettings(next));
      admission.resize(next.limits.max_inflight_bytes);
      pipeline.retryAfterMs = next.limits.retry_after;
    },
  });
  reloader.add(built.reloadable);
  reloader.add(exporters);
  if (apiSecurity !== undefined) reloader.add(apiSecurity.reloadable);
  let api: ApiServer | undefined;
  if (config.api.enabled && durable) {
    const ep = parseEndpoint(config.api.endpoint)!;
    api = createApiServer({
      host: ep.host,
      port: ep.port,
      querier: store.querier(),
      ready: () => store.ready,
      logger,
      metricsText: () => prometheusText(registry),
      queryTimeoutMs: config.query.timeout,
      queryMaxSamples: config.query.max_samples,
      queryMaxConcurrency: config.query.max_concurrency,
      security: apiSecurity?.security,
      openPaths: () => reloader.current.api.auth.open_paths,
      lifecycle: { enabled: () => reloader.current.api.enable_lifecycle, reload: () => reloader.reload() },
      exporters: () => exporters.status(),
    });
  }
  const setLogLevel = options.setLogLevel;
  if (setLogLevel !== undefined) reloader.add({ name: 'log', prepare: (next) => () => setLogLevel(next.log.level) });
  let local: LocalSources | undefined;
  let shutdown: Promise<void> | undefined;
  const agent: Agent = {
    receivers,
    get api() {
      return api;
    },
    store,
    registry,
    pool,
    admission,
    get config() {
      return reloader.current;
    },
    reload: () => reloader.reload(),
    exporters,
    shutdown() {
      shutdown ??= (async () => {
        const deadline = config.shutdown.timeout;
        const end = Date.now() + deadline;
        pipeline.close();
        await local?.shutdown(deadline);
        await Promise.all(receivers.map((r) => r.shutdown(deadline)));
        // Nothing new arrives now: exporters drain the backlog in what is left of the deadline
        // (a margin kept for closing the store), then persist their cursors.
        await exporters.shutdown(Math.max(0, end - Date.now() - 1000));
        await api?.shutdown(deadline);
        await aggregation.shutdown(deadline);
        await store.shutdown(deadline);
        await pool.shutdown();
        stopProcessMetrics();
        logger.info('agent stopped', { component: 'agent' });
      })();
      return shutdown;
    },
  };
  try {
    if (api !== undefined) await api.start();
    for (const r of receivers) await r.start();
    const hasSeries = (hi: number, lo: number): boolean => store.hasSeries(hi, lo);
    aggregation.connect((batch) => pipeline.appendLocal(batch, 'aggregation'), hasSeries);
    await aggregation.start();
    local = await startLocalSources({ config, registry, append: (batch, source) => pipeline.appendLocal(batch, source), hasSeries, logger });
  } catch (err) {
    await agent.shutdown();
    throw err;
  }
  logger.info('agent started', { component: 'agent', workers: threads });
  return agent;
}
