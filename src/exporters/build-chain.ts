import type { ExporterConfig } from '../config/index.js';
import type { Logger } from '../log/index.js';
import { BisectSender } from './chain/bisect-sender.js';
import { FailoverSender } from './chain/failover-sender.js';
import { withRetry } from './chain/retry-sender.js';
import { withTimeout } from './chain/timeout-sender.js';
import type { EndpointSender } from './endpoint-sender.js';
import type { ExporterStats } from './exporter-stats.js';
import { otlpGrpcSender } from './otlp/otlp-grpc-sender.js';
import { otlpHttpSender } from './otlp/otlp-http-sender.js';
import { PromSeriesBuilder } from './prw/prom-series.js';
import { remoteWriteSender } from './prw/rw-sender.js';
import type { ExporterCredentials } from './transport/exporter-credentials.js';

export interface SendChain {
  readonly bisect: BisectSender;
  readonly failover: FailoverSender;
  readonly endpoints: readonly EndpointSender[];
  /** Remote write only: the Prometheus series it sent (for re-reading a lost span from pages). */
  readonly promSeries: PromSeriesBuilder | undefined;
}

/**
 * The wrappers around one send(), outermost first, and why in this order:
 * - bisect: splits what the layers below cannot deliver whole (too large, out of order,
 *   a poisoned point) and counts what is dropped; it needs each half retried on its own.
 * - retry: backoff until delivered or dropped; it must see every endpoint's answer, so it sits
 *   above the failover group and retries across endpoints.
 * - failover: picks the endpoint per attempt, opens circuits, probes for failback.
 * - timeout: per attempt and per endpoint, so a hung primary counts as that endpoint failing.
 * - endpoint: encodes for its protocol (remote write 1.0/2.0, OTLP) and classifies the answer.
 */
export function buildChain(c: ExporterConfig, stats: ExporterStats, logger: Logger, creds: ExporterCredentials): SendChain {
  const series = c.kind === 'prometheus_remote_write' ? new PromSeriesBuilder() : undefined;
  const endpoints = c.endpoints.map((e): EndpointSender => {
    switch (c.kind) {
      case 'otlp_grpc':
        return otlpGrpcSender(e, c, creds);
      case 'otlp_http':
        return otlpHttpSender(e, c, creds);
      case 'prometheus_remote_write':
        return remoteWriteSender(e, c, series!, logger, creds);
    }
  });
  const failover = new FailoverSender(
    endpoints.map((s) => ({ sender: withTimeout(s, c.timeout), endpoint: s.endpoint, prepare: s.prepare })),
    { failoverAfter: c.failover_after, failbackIntervalMs: c.failback_interval },
    stats,
    logger,
  );
  const retry = withRetry(failover, { initialMs: c.retry.initial, maxMs: c.retry.max, authIntervalMs: c.retry.auth_interval, suspectAfter: c.retry.park_after });
  const bisect = new BisectSender(retry, stats, logger, { lastOkMs: () => failover.lastOkMs });
  return { bisect, failover, endpoints, promSeries: series };
}
