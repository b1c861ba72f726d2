import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http2';
import { encodeStatusProto, GrpcCode } from './otlp-answers.js';
import type { RpcStatus } from './otlp-answers.js';

/** gRPC over HTTP/2, the parts a unary server needs (the gRPC HTTP/2 protocol document). */
export const GRPC_CONTENT_TYPE = 'application/grpc+proto';
export const ACCEPT_ENCODINGS = 'identity,gzip';
/** Compressed flag + u32 big-endian length before each message. */
export const MESSAGE_PREFIX_BYTES = 5;

const TIMEOUT_UNITS_MS: Readonly<Record<string, number>> = { H: 3_600_000, M: 60_000, S: 1000, m: 1, u: 0.001, n: 0.000001 };

/** The client's deadline from `grpc-timeout` (e.g. `10S`, `250m`), in ms from now; Infinity without one. */
export function timeoutMs(headers: IncomingHttpHeaders): number {
  const raw = headers['grpc-timeout'];
  if (typeof raw !== 'string') return Infinity;
  const m = /^(\d{1,8})([HMSmun])$/.exec(raw);
  return m === null ? Infinity : Number(m[1]) * TIMEOUT_UNITS_MS[m[2]!]!;
}

/** `grpc-message` percent-encoding: bytes outside printable ASCII, and '%', as %XX. */
export function encodeGrpcMessage(message: string): string {
  let out = '';
  for (const byte of Buffer.from(message, 'utf8')) out += byte >= 0x20 && byte <= 0x7e && byte !== 0x25 ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  return out;
}

/**
 * The trailers ending a call (or, with `trailersOnly`, the whole answer of a call that failed
 * before any message): status, message, and the google.rpc.Status with its RetryInfo.
 */
export function statusHeaders(status: RpcStatus, trailersOnly: boolean): OutgoingHttpHeaders {
  const h: OutgoingHttpHeaders = trailersOnly ? { ':status': 200, 'content-type': GRPC_CONTENT_TYPE, 'grpc-accept-encoding': ACCEPT_ENCODINGS } : {};
  h['grpc-status'] = String(status.code);
  if (status.message !== '') h['grpc-message'] = encodeGrpcMessage(status.message);
  if (status.code !== GrpcCode.OK) h['grpc-status-details-bin'] = encodeStatusProto(status).toString('base64').replace(/=+$/, '');
  return h;
}

/** A response message with its 5-byte prefix (never compressed: OTLP responses are tiny). */
export function framedMessage(message: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(MESSAGE_PREFIX_BYTES + message.length);
  out[0] = 0;
  out.writeUInt32BE(message.length, 1);
  out.set(message, MESSAGE_PREFIX_BYTES);
  return out;
}
