import type { Sender } from '../send-outcome.js';
import { sendRetry } from '../send-outcome.js';

/**
 * Bounds one attempt: an upstream that does not answer within `timeoutMs` is a retryable
 * timeout (the request may still have been applied; the retry makes it at least once).
 */
export function withTimeout(inner: Sender, timeoutMs: number): Sender {
  return {
    async send(batch, signal) {
      const timer = AbortSignal.timeout(timeoutMs);
      const outcome = await inner.send(batch, AbortSignal.any([signal, timer]));
      if (outcome.status !== 'ok' && timer.aborted && !signal.aborted) return sendRetry('timeout', 'timeout', `no answer within ${timeoutMs} ms`);
      return outcome;
    },
  };
}
