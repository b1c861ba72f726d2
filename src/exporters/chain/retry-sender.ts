import type { ForwardBatch } from '../forward-batch.js';
import type { SendOutcome, SendRetry } from '../send-outcome.js';
import { backoffMs } from './backoff.js';
import type { RoutedOutcome } from './failover-sender.js';
import { sleep } from '../sleep.js';

export interface RetryOptions {
  readonly initialMs: number;
  readonly maxMs: number;
  /** Between attempts while the upstream refuses our credentials. */
  readonly authIntervalMs: number;
  /** Server errors in a row after which the batch is handed back as suspect (to be bisected). */
  readonly suspectAfter: number;
  readonly random?: () => number;
  /** Waits (tests count them instead of waiting). */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<boolean>;
}

/** How often a refused endpoint is checked for listening again while a retry waits. */
const REACHABLE_EVERY_MS = 500;

/** A batch that keeps failing with a server error while others may succeed: bisect it. */
export type SuspectOutcome = SendRetry & { readonly suspect: true };

export interface RouteSender {
  send(batch: ForwardBatch, signal: AbortSignal): Promise<RoutedOutcome>;
  /** Resolves when the endpoint the next attempt goes to accepts connections again. */
  whenReachable?(signal: AbortSignal): Promise<void>;
}

/**
 * Retries a batch until it is delivered or dropped for good: exponential backoff with full
 * jitter, a `Retry-After`/RetryInfo delay taken as the least wait, credentials refusals every
 * `authIntervalMs` (the data is kept), no wait right after a failover. Never gives up on an
 * outage; only shutdown (the signal) ends the loop, and `suspectAfter` server errors in a row
 * hand the batch back to be bisected.
 */
export function withRetry(inner: RouteSender, o: RetryOptions): { send(batch: ForwardBatch, signal: AbortSignal): Promise<SendOutcome | SuspectOutcome> } {
  const wait = o.sleep ?? sleep;
  // After refused connections the backoff may reach `retry.max`; a restarted upstream should
  // not wait that long for its backlog, so a cheap connect check cuts the wait short.
  const waitOrReachable = async (ms: number, network: boolean, signal: AbortSignal): Promise<boolean> => {
    if (!network || inner.whenReachable === undefined || ms <= REACHABLE_EVERY_MS) return wait(ms, signal);
    const stop = new AbortController();
    const both = AbortSignal.any([signal, stop.signal]);
    await Promise.race([wait(ms, both), inner.whenReachable(both)]);
    stop.abort();
    return !signal.aborted;
  };
  return {
    async send(batch, signal) {
      let serverErrors = 0;
      for (let attempt = 0; ; attempt++) {
        const outcome = await inner.send(batch, signal);
        if (outcome.status === 'ok' || outcome.status === 'permanent' || signal.aborted) return outcome;
        serverErrors = outcome.failure === 'server_error' ? serverErrors + 1 : 0;
        if (serverErrors >= o.suspectAfter) return { ...outcome, suspect: true };
        const delay =
          outcome.failedOver === true
            ? 0
            : outcome.failure === 'auth'
              ? Math.max(outcome.retryAfterMs, o.authIntervalMs)
              : Math.max(outcome.retryAfterMs, backoffMs(attempt, o.initialMs, o.maxMs, o.random));
        if (!(await waitOrReachable(delay, outcome.failure === 'network', signal))) return outcome;
      }
    },
  };
}
