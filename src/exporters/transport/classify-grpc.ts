import type { SendOutcome } from '../send-outcome.js';
import { sendDropped, sendRetry } from '../send-outcome.js';

/** gRPC status codes as numbers (google.rpc.Code). */
const Code = {
  CANCELLED: 1,
  UNKNOWN: 2,
  DEADLINE_EXCEEDED: 4,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

const NAMES = ['OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS', 'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED'];

export function grpcCodeName(code: number): string {
  return NAMES[code] ?? String(code);
}

const GRPC_TLS_ERROR = /certificate|self[- ]signed|SSL|TLS|handshake/i;

/**
 * A failed gRPC call as the OTLP spec classifies it: CANCELLED, DEADLINE_EXCEEDED, ABORTED,
 * OUT_OF_RANGE, UNAVAILABLE, DATA_LOSS retryable; RESOURCE_EXHAUSTED retryable only with
 * RetryInfo (throttling), otherwise the upstream can never take it; UNAUTHENTICATED and
 * PERMISSION_DENIED keep the data (an expired token must not lose it); the rest dropped.
 */
export function classifyGrpc(code: number, details: string, retryDelayMs: number): SendOutcome {
  const name = grpcCodeName(code);
  switch (code) {
    case Code.UNAVAILABLE:
      // grpc-js reports failed handshakes (an untrusted certificate) and refused or reset
      // connections as UNAVAILABLE too: those are tls and network failures.
      if (GRPC_TLS_ERROR.test(details)) return sendRetry('tls', name, details, retryDelayMs);
      return sendRetry(/ECONNREFUSED|ECONNRESET|No connection established|connect|socket/i.test(details) ? 'network' : 'unavailable', name, details, retryDelayMs);
    case Code.CANCELLED:
    case Code.ABORTED:
    case Code.OUT_OF_RANGE:
    case Code.DATA_LOSS:
      return sendRetry('unavailable', name, details, retryDelayMs);
    case Code.DEADLINE_EXCEEDED:
      return sendRetry('timeout', name, details, retryDelayMs);
    case Code.RESOURCE_EXHAUSTED:
      return retryDelayMs > 0 ? sendRetry('throttled', name, details, retryDelayMs) : sendDropped('rejected', name, `upstream cannot take the request: ${details}`);
    case Code.UNAUTHENTICATED:
    case Code.PERMISSION_DENIED:
      return sendRetry('auth', name, details, retryDelayMs);
    default:
      return sendDropped('rejected', name, `upstream rejected the request (${name}): ${details}`);
  }
}
