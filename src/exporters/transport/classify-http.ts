import type { SendOutcome } from '../send-outcome.js';
import { sendDropped, sendOk, sendRetry } from '../send-outcome.js';
import type { HttpAnswer } from './http-post.js';
import { retryAfterMs } from './retry-after.js';

// Prometheus answers 400 with these when a sample is older than (or, with another value, at the
// same time as) the newest it has for the series, and then stores none of the request.
const PROMETHEUS_ORDER_ERROR = /out of order sample|duplicate sample for timestamp|out of bounds/i;

/**
 * An HTTP answer in the terms the wrappers act on, as the OTLP/HTTP and remote write specs
 * say: 2xx delivered; 429, 502, 503, 504 retryable (Retry-After honoured); 413 split; 401/403
 * kept and retried slowly; other 5xx retryable as server errors (bisected if they persist);
 * other 4xx dropped. `prometheusOrder`: a 400 naming an out-of-order sample is split by series.
 */
export function classifyHttp(a: HttpAnswer, options: { readonly prometheusOrder: boolean }): SendOutcome {
  const code = String(a.status);
  const text = (): string => a.body.subarray(0, 512).toString('utf8').trim();
  if (a.status >= 200 && a.status < 300) return sendOk(code);
  const after = retryAfterMs(a.headers['retry-after']);
  switch (a.status) {
    case 429:
      return sendRetry('throttled', code, `upstream throttled the request: ${text()}`, after);
    case 502:
    case 503:
    case 504:
      return sendRetry('unavailable', code, `upstream unavailable (${a.status}): ${text()}`, after);
    case 401:
    case 403:
      return sendRetry('auth', code, `upstream refused our credentials (${a.status}): ${text()}`, after);
    case 413:
      return sendDropped('too_large', code, `upstream refused the request as too large: ${text()}`, 'points');
  }
  if (a.status >= 500) return sendRetry('server_error', code, `upstream failed (${a.status}): ${text()}`, after);
  if (a.status === 400 && options.prometheusOrder && PROMETHEUS_ORDER_ERROR.test(text())) {
    return sendDropped('out_of_order', code, text(), 'series');
  }
  return sendDropped('rejected', code, `upstream rejected the request (${a.status}): ${text()}`);
}

// OpenSSL's verification results (an unknown CA, an expired or misnamed certificate) and TLS alerts.
const TLS_ERROR = /^(ERR_TLS_|ERR_SSL_|UNABLE_TO_|SELF_SIGNED_|DEPTH_ZERO_|CERT_|HOSTNAME_MISMATCH)/;

/**
 * A failure to get any answer (refused or reset connection, DNS, TLS) or an aborted attempt.
 * A certificate the exporter does not trust (or an upstream refusing ours) is `tls`: retried
 * like an outage, since the data stays good and a reload that fixes the CA delivers it.
 */
export function classifyNetworkError(err: unknown, timedOut: boolean): SendOutcome {
  const e = err as { code?: string; message?: string };
  if (timedOut) return sendRetry('timeout', 'timeout', 'no answer within the timeout');
  if (e.code !== undefined && TLS_ERROR.test(e.code)) return sendRetry('tls', e.code, `TLS with the upstream failed: ${e.message ?? e.code}`);
  return sendRetry('network', e.code ?? 'network', e.message ?? String(err));
}
