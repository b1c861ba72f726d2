import os from 'node:os';
import type { ApiServer } from '../api/index.js';
import { createApiServer } from '../api/index.js';
import type { Config } from '../config/index.js';
import { parseEndpoint, resolveThreads } from '../config/index.js';
import type { Logger } from '../log/index.js';
import { Admission, IngestPipeline } from '../pipeline/index.js';
import type { Receiver } from '../receivers/index.js';
import { createOtlpGrpcReceiver, createOtlpHttpReceiver } from '../receivers/index.js';
import type { Store } from '../store/index.js';
import { DiskStore, NonDurableMemoryStore, walShareBytes } from '../store/index.js';
import { ExporterSet } from '../exporters/index.js';
import { StreamAggregation } from '../aggregation/index.js';
import { prometheusText, Registry } from '../telemetry/index.js';
import { registerWorkerMetrics } from './worker-gauges.js';
import type { DecodeWorkerData, WorkerPool } from '../workers/index.js';
import { createWorkerPool, decodeWorkerScript } from '../workers/index.js';
import { createPageEncoder, createRollupPageEncoder, createRollupRunner, createStoreCompressor, decompressExtentBytes } from './store-compression.js';
import type { LocalSources } from '../sources/index.js';
import { startLocalSources } from '../sources/index.js';
import { registerProcessMetrics } from './process-gauges.js';
import { registerStoreGauges } from './store-gauges.js';

export interface AgentOptions {
  readonly config: Config;
  readonly logger: Logger;
  /** Defaults to the on-disk store at `store.path`. */
  readonly store?: Store;
}

export interface Agent {
  readonly receivers: readonly Receiver[];
  readonly api: ApiServer | undefined;
  readonly store: Store;
  readonly registry: Registry;
  readonly pool: WorkerPool;
  readonly admission: Admission;
  readonly exporters: ExporterSet;
  /** Stop accepting, drain, stop workers and the store; idempotent. */
  shutdown(): Promise<void>;
}

/**
 * The composition root: builds every component from the config, starts them against the
 * data flow (workers and store first, receivers last) and shuts them down along it.
 */
export async function startAgent(options: AgentOptions): Promise<Agent> {
  const { config, logger } = options;
  const registry = new Registry();
  const threads = resolveThreads(config.workers.threads, os.availableParallelism());
  const workerData: DecodeWorkerData = {
    maxAttributeBytes: config.limits.max_attribute_bytes,
    maxAttributes: config.limits.max_attributes,
    maxBucketsPerPoint: config.limits.max_buckets_per_point,
    maxNewSeriesPerRequest: config.limits.max_new_series_per_request,
  };
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
          encodeWithRollups: createRollupPageEncoder(pool),
          ...(config.aggregation.length > 0 ? { stream: aggregation.stream } : {}),
          maxBucketsPerPoint: config.limits.max_buckets_per_point,
          logger,
          registry,
        })
      : new NonDurableMemoryStore({ maxPoints: 1_000_000 }));
  let exporters: ExporterSet;
  try {
    // Validated before anything starts: a bad exporter entry is a config error, not a runtime one.
    exporters = new ExporterSet({ config, store, registry, logger, walShareBytes: walShareBytes(config.store.max_disk_bytes), walBytes: () => (store.ready ? store.usage().walBytes : 0) });
    await store.start();
    await exporters.start();
  } catch (err) {
    await store.shutdown(0);
    await pool.shutdown();
    throw err;
  }
  const admission = new Admission(config.limits.max_inflight_bytes);
  const pipeline = new IngestPipeline({ pool, store, admission, retryAfterMs: config.limits.retry_after, registry, logger });
  registry.gauge('cairn_pipeline_inflight_bytes', 'Request bytes admitted and not yet answered.', () => admission.inFlightBytes);
  registerWorkerMetrics(registry, pool);
  const stopProcessMetrics = registerProcessMetrics(registry);
  // The memory store (store.enabled: false, or one a test passes in) keeps nothing to query or measure.
  const durable = options.store === undefined && config.store.enabled;
  if (durable) registerStoreGauges(registry, store, config.store.max_disk_bytes);

  const receivers: Receiver[] = [];
  const { grpc, http } = config.receivers.otlp;
  if (grpc.enabled) {
    const ep = parseEndpoint(grpc.endpoint)!;
    receivers.push(createOtlpGrpcReceiver({ host: ep.host, port: ep.port, maxRecvMsgBytes: grpc.max_recv_msg_bytes, pipeline, logger }));
  }
  if (http.enabled) {
    const ep = parseEndpoint(http.endpoint)!;
    receivers.push(createOtlpHttpReceiver({ host: ep.host, port: ep.port, maxRequestBytes: http.max_request_bytes, pipeline, logger }));
  }
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
      exporters: () => exporters.status(),
    });
  }
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
