import os from 'node:os';
import type { Config } from '../config/index.js';
import { parseEndpoint, resolveThreads } from '../config/index.js';
import type { Logger } from '../log/index.js';
import { Admission, IngestPipeline } from '../pipeline/index.js';
import type { Receiver } from '../receivers/index.js';
import { createOtlpGrpcReceiver, createOtlpHttpReceiver } from '../receivers/index.js';
import type { Store } from '../store/index.js';
import { NonDurableMemoryStore } from '../store/index.js';
import { Registry } from '../telemetry/index.js';
import type { DecodeWorkerData, WorkerPool } from '../workers/index.js';
import { createWorkerPool, decodeWorkerScript } from '../workers/index.js';

export interface AgentOptions {
  readonly config: Config;
  readonly logger: Logger;
  /** Defaults to the non-durable in-memory store until the on-disk store exists. */
  readonly store?: Store;
}

export interface Agent {
  readonly receivers: readonly Receiver[];
  readonly store: Store;
  readonly registry: Registry;
  readonly pool: WorkerPool;
  readonly admission: Admission;
  /** Stop accepting, drain, stop workers and the store; idempotent. */
  shutdown(): Promise<void>;
}

/**
 * The composition root: builds every component from the config, starts them against the
 * data flow (store first, receivers last) and shuts them down along it.
 */
export async function startAgent(options: AgentOptions): Promise<Agent> {
  const { config, logger } = options;
  const registry = new Registry();
  const store = options.store ?? new NonDurableMemoryStore({ maxPoints: 1_000_000 });
  await store.start();
  const threads = resolveThreads(config.workers.threads, os.availableParallelism());
  const workerData: DecodeWorkerData = { maxAttributeBytes: config.limits.max_attribute_bytes, maxAttributes: config.limits.max_attributes };
  const pool = createWorkerPool({ size: threads, script: decodeWorkerScript(), workerData, logger });
  const admission = new Admission(config.limits.max_inflight_bytes);
  const limits = { maxAttributeBytes: config.limits.max_attribute_bytes, maxAttributes: config.limits.max_attributes };
  const pipeline = new IngestPipeline({ pool, store, admission, limits, retryAfterMs: config.limits.retry_after, registry, logger });
  registry.gauge('cairn_pipeline_inflight_bytes', 'Request bytes admitted and not yet answered.', () => admission.inFlightBytes);
  registry.gauge('cairn_workers_inflight_requests', 'Requests queued or running in decode workers.', () => pool.stats().inFlight);
  registry.gauge('cairn_workers_crashes_total', 'Decode workers that exited and were replaced.', () => pool.stats().crashes);

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
  let shutdown: Promise<void> | undefined;
  const agent: Agent = {
    receivers,
    store,
    registry,
    pool,
    admission,
    shutdown() {
      shutdown ??= (async () => {
        const deadline = config.shutdown.timeout;
        pipeline.close();
        await Promise.all(receivers.map((r) => r.shutdown(deadline)));
        await pool.shutdown();
        await store.shutdown();
        logger.info('agent stopped', { component: 'agent' });
      })();
      return shutdown;
    },
  };
  try {
    for (const r of receivers) await r.start();
  } catch (err) {
    await agent.shutdown();
    throw err;
  }
  logger.info('agent started', { component: 'agent', workers: threads });
  return agent;
}
