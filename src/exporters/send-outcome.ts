import type { Ok, Permanent, Refused, Retryable } from '../component/index.js';
import type { ForwardBatch } from './forward-batch.js';

/** Why points were dropped for good; each is a label value of the dropped-points counter. */
export type DropReason =
  /** The upstream refused the data as invalid (4xx other than 408/413/429, gRPC INVALID_ARGUMENT…). */
  | 'rejected'
  /** Even a one-point request is over the size limits. */
  | 'too_large'
  /** A one-point slice kept failing with a server error while the upstream accepted the rest. */
  | 'parked'
  /** Prometheus refused a sample older than the newest it has for the series (not a replay). */
  | 'out_of_order'
  /** Older than the exporter's `max_age`. */
  | 'expired'
  /** The upstream accepted the request but rejected these points (OTLP partial_success). */
  | 'partial'
  /** WAL segments deleted before the exporter read them (the WAL outgrew its budget share). */
  | 'wal_dropped'
  /** WAL bytes that held no valid record. */
  | 'wal_corrupt'
  /** Points of a series whose definition the store no longer has. */
  | 'no_definition';

/** What kind of transient failure a retryable answer was (a label of the failures counter). */
export type FailureKind = 'unavailable' | 'throttled' | 'auth' | 'server_error' | 'timeout' | 'network' | 'tls';

/** Delivered; `rejected` points were refused inside an accepted request (partial success). */
export type SendOk = Ok<{ readonly rejected: number; readonly message: string; readonly code: string }>;

/**
 * Not delivered, for good. `split: true` when sending smaller slices may succeed (413, over
 * `max_request_bytes`, Prometheus' out-of-order refusal of a mixed request).
 */
export type SendDropped = Permanent<DropReason> & { readonly code: string; readonly split?: 'points' | 'series' };

/** Not delivered yet: retry after `retryAfterMs` (0: the upstream named no delay). */
export type SendRetry = (Retryable | Refused) & { readonly failure: FailureKind; readonly code: string };

/** One attempt's result, in the shared Outcome terms plus what the wrappers need. */
export type SendOutcome = SendOk | SendDropped | SendRetry;

/**
 * The one operation every exporter feature wraps (timeout, retry, failover, splitting): deliver
 * this batch; `signal` aborts when the exporter shuts down.
 */
export interface Sender {
  send(batch: ForwardBatch, signal: AbortSignal): Promise<SendOutcome>;
}

export const sendOk = (code: string, rejected = 0, message = ''): SendOk => ({ status: 'ok', rejected, message, code });
export const sendDropped = (reason: DropReason, code: string, message: string, split?: 'points' | 'series'): SendDropped =>
  split === undefined ? { status: 'permanent', reason, code, message } : { status: 'permanent', reason, code, message, split };
export const sendRetry = (failure: FailureKind, code: string, message: string, retryAfterMs = 0): SendRetry => ({
  status: failure === 'throttled' ? 'refused' : 'retryable',
  failure,
  code,
  message,
  retryAfterMs,
});
