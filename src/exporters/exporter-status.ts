import type { ExporterKind } from '../config/index.js';
import type { EndpointStatus } from './chain/failover-sender.js';

/** One exporter as `GET /api/v1/status/exporters` shows it. */
export interface ExporterStatus {
  readonly name: string;
  readonly kind: ExporterKind;
  /** `blocked`: an endpoint refuses our credentials (data kept); `failed`: the loop died (a bug). */
  readonly state: 'running' | 'blocked' | 'stopped' | 'failed';
  readonly endpoints: readonly EndpointStatus[];
  readonly pendingPoints: number | null;
  readonly pendingBytes: number;
  /** Age of the oldest point being delivered, 0 when caught up. */
  readonly lagSeconds: number;
  readonly inFlight: number;
  readonly sentPoints: number;
  readonly droppedPoints: Readonly<Record<string, number>>;
  readonly failedPoints: Readonly<Record<string, number>>;
  readonly replayedPoints: number;
  readonly alreadyDeliveredPoints: number;
  /** Samples re-sent from the store's pages for spans the WAL lost (remote write). */
  readonly recoveredPoints: number;
  /** The durable cursor, `segment:offset`. */
  readonly committed: string | null;
  readonly lastError: string;
}
