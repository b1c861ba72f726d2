import type { IngestFailure, IngestRejection, RequestOutcome } from '../pipeline/index.js';
import { ProtoWriter } from './proto-writer.js';

/** gRPC status codes used by the receivers. */
export const GrpcCode = {
  OK: 0,
  CANCELLED: 1,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  RESOURCE_EXHAUSTED: 8,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

const RETRY_INFO_TYPE = 'type.googleapis.com/google.rpc.RetryInfo';

/** A google.rpc.Status to send, with an optional RetryInfo detail. */
export interface RpcStatus {
  readonly code: number;
  readonly message: string;
  readonly retryAfterMs?: number;
}

const PERMANENT_CODE: Readonly<Record<IngestRejection, number>> = {
  invalid: GrpcCode.INVALID_ARGUMENT,
  too_large: GrpcCode.RESOURCE_EXHAUSTED,
  internal: GrpcCode.INTERNAL,
};

/** The Status for each non-ok outcome (gRPC code; HTTP maps the outcome separately). */
export function statusOf(outcome: IngestFailure): RpcStatus {
  switch (outcome.status) {
    case 'permanent':
      return { code: PERMANENT_CODE[outcome.reason], message: outcome.message };
    case 'refused':
    case 'retryable':
      // Never a bare RESOURCE_EXHAUSTED for overload: OTLP clients drop data on it.
      return { code: GrpcCode.UNAVAILABLE, message: outcome.message, retryAfterMs: outcome.retryAfterMs };
  }
}

/** How a gRPC call ended, from the status sent (and whether the response carried partial_success). */
export function grpcRequestOutcome(code: number, partial: boolean): RequestOutcome {
  switch (code) {
    case GrpcCode.OK:
      return partial ? 'partial' : 'ok';
    case GrpcCode.UNAVAILABLE:
      return 'refused';
    case GrpcCode.INVALID_ARGUMENT:
    case GrpcCode.RESOURCE_EXHAUSTED:
    case GrpcCode.NOT_FOUND:
    case GrpcCode.UNIMPLEMENTED:
      return 'invalid';
    case GrpcCode.UNAUTHENTICATED:
      return 'unauthenticated';
    case GrpcCode.CANCELLED:
    case GrpcCode.DEADLINE_EXCEEDED:
      return 'aborted';
    default:
      return 'error';
  }
}

/** How an OTLP/HTTP request ended, from the status code sent (200 answers say whether they were partial). */
export function httpRequestOutcome(statusCode: number): RequestOutcome {
  if (statusCode < 400) return 'ok';
  if (statusCode === 429 || statusCode === 503) return 'refused';
  if (statusCode === 401) return 'unauthenticated';
  if (statusCode === 408) return 'too_slow';
  return statusCode < 500 ? 'invalid' : 'error';
}

export function encodeStatusProto(s: RpcStatus): Buffer {
  const w = new ProtoWriter().varint(1, s.code).string(2, s.message);
  if (s.retryAfterMs !== undefined) {
    const { seconds, nanos } = durationOf(s.retryAfterMs);
    const duration = new ProtoWriter();
    if (seconds > 0) duration.varint(1, seconds);
    if (nanos > 0) duration.varint(2, nanos);
    const retryInfo = new ProtoWriter().bytes(1, duration.finish()).finish();
    w.bytes(3, new ProtoWriter().string(1, RETRY_INFO_TYPE).bytes(2, retryInfo).finish());
  }
  return w.finish();
}

export function encodeStatusJson(s: RpcStatus): Buffer {
  const body: Record<string, unknown> = { code: s.code, message: s.message };
  if (s.retryAfterMs !== undefined) {
    const { seconds, nanos } = durationOf(s.retryAfterMs);
    const fraction = nanos === 0 ? '' : `.${String(nanos).padStart(9, '0').replace(/0+$/, '')}`;
    body['details'] = [{ '@type': RETRY_INFO_TYPE, retryDelay: `${seconds}${fraction}s` }];
  }
  return Buffer.from(JSON.stringify(body));
}

/** Milliseconds as a google.protobuf.Duration (nanos always below 1e9). */
function durationOf(ms: number): { seconds: number; nanos: number } {
  const total = Math.round(ms * 1e6);
  return { seconds: Math.floor(total / 1e9), nanos: total % 1e9 };
}

/** ExportMetricsServiceResponse: empty on full success, partial_success when points were rejected. */
export function encodeExportResponseProto(rejected: number, errorMessage: string): Buffer {
  if (rejected === 0 && errorMessage === '') return Buffer.alloc(0);
  const partial = new ProtoWriter();
  if (rejected > 0) partial.varint(1, rejected);
  if (errorMessage !== '') partial.string(2, errorMessage);
  return new ProtoWriter().bytes(1, partial.finish()).finish();
}

export function encodeExportResponseJson(rejected: number, errorMessage: string): Buffer {
  if (rejected === 0 && errorMessage === '') return Buffer.from('{}');
  return Buffer.from(JSON.stringify({ partialSuccess: { rejectedDataPoints: String(rejected), errorMessage } }));
}
