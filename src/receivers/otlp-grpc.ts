import http2 from 'node:http2';
import type { ServerHttp2Stream, IncomingHttpHeaders } from 'node:http2';
import type { Logger } from '../log/index.js';
import type { IngestFailure, IngestPipeline, RequestOutcome, Ticket } from '../pipeline/index.js';
import { formatAddress, formatBound, listen } from '../net/index.js';
import { ACCEPT_ENCODINGS, framedMessage, GRPC_CONTENT_TYPE, MESSAGE_PREFIX_BYTES, statusHeaders, timeoutMs } from './grpc-wire.js';
import type { RpcStatus } from './otlp-answers.js';
import { encodeExportResponseProto, GrpcCode, grpcRequestOutcome, statusOf } from './otlp-answers.js';
import type { Receiver } from './receiver.js';

export interface OtlpGrpcOptions {
  readonly host: string;
  readonly port: number;
  readonly maxRecvMsgBytes: number;
  readonly pipeline: IngestPipeline;
  readonly logger: Logger;
}

const RECEIVER = 'otlp_grpc';
export const EXPORT_PATH = '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export';
// Windows larger than HTTP/2's 64 KiB default cut per-request transport CPU by about a third (a
// 1,000-point request is ~90 KB); they are also what a client may push before admission can
// refuse, so a connection is held to 2 MiB unread.
const STREAM_WINDOW = 256 << 10;
const SESSION_WINDOW = 2 << 20;
/** Bounds what one connection can have in flight before admission sees it. */
const MAX_CONCURRENT_STREAMS = 64;

/**
 * OTLP/gRPC MetricsService/Export on node:http2 directly: one unary method, so the framing
 * (5-byte message prefix, status in trailers) is a few lines, and each call costs a fraction
 * of a general gRPC server's objects (docs/ingest.md has the measurement). Admission happens at
 * the headers and again at the message prefix, before the body is buffered.
 */
export function createOtlpGrpcReceiver(o: OtlpGrpcOptions): Receiver {
  const server = http2.createServer({ settings: { initialWindowSize: STREAM_WINDOW, maxConcurrentStreams: MAX_CONCURRENT_STREAMS } });
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
    session.on('error', () => undefined); // a peer resetting the connection is not our error
    try {
      session.setLocalWindowSize(SESSION_WINDOW);
    } catch {
      // Closed before its window could be widened: nothing to tune.
    }
  });
  server.on('stream', (stream, headers) => {
    const startedMs = performance.now();
    stream.on('error', () => undefined);
    void handle(o, stream, headers).then((outcome) => {
      if (outcome !== null) o.pipeline.observeRequest(RECEIVER, startedMs, outcome);
    });
  });
  let bound = '';
  return {
    name: RECEIVER,
    get address() {
      return bound;
    },
    async start() {
      await listen(server, o.host, o.port);
      bound = formatBound(server.address()) || formatAddress(o.host, o.port);
      o.logger.info('receiver listening', { component: RECEIVER, address: bound });
    },
    async shutdown(deadlineMs: number) {
      await closeServer(server, sessions, deadlineMs);
    },
  };
}

/** One call, from its headers to its status; null when the client went away (no outcome to record). */
async function handle(o: OtlpGrpcOptions, stream: ServerHttp2Stream, headers: IncomingHttpHeaders): Promise<RequestOutcome | null> {
  if (headers[':method'] !== 'POST') return answerHttp(stream, 405);
  const type = headers['content-type'];
  if (typeof type !== 'string' || !type.startsWith('application/grpc')) return answerHttp(stream, 415);
  if (headers[':path'] !== EXPORT_PATH) return fail(stream, { code: GrpcCode.UNIMPLEMENTED, message: `unknown method ${String(headers[':path'])}` });
  const encoding = headers['grpc-encoding'] ?? 'identity';
  if (encoding !== 'identity' && encoding !== 'gzip') return fail(stream, { code: GrpcCode.UNIMPLEMENTED, message: `message encoding "${String(encoding)}" is not supported (${ACCEPT_ENCODINGS})` });
  const refusal = o.pipeline.gate(RECEIVER);
  if (refusal !== null) return failWith(stream, refusal);
  const deadline = timeoutMs(headers);
  const read = await readMessage(stream, o, deadline);
  if (read.status === 'aborted') return 'aborted';
  if (read.status === 'failed') return fail(stream, read.error);
  if (read.status === 'refused') return failWith(stream, read.refusal);
  const { ticket, message, compressed } = read;
  try {
    if (compressed && encoding === 'identity') return fail(stream, { code: GrpcCode.INTERNAL, message: 'message has its compressed flag set but grpc-encoding is identity' });
    const outcome = await o.pipeline.process(ticket, message, 'protobuf', compressed, o.maxRecvMsgBytes, RECEIVER);
    if (stream.destroyed) return 'aborted';
    if (outcome.status !== 'ok') return failWith(stream, outcome);
    stream.respond({ ':status': 200, 'content-type': GRPC_CONTENT_TYPE, 'grpc-accept-encoding': ACCEPT_ENCODINGS, 'grpc-encoding': 'identity' }, { waitForTrailers: true });
    stream.once('wantTrailers', () => stream.sendTrailers(statusHeaders({ code: GrpcCode.OK, message: '' }, false)));
    stream.end(framedMessage(encodeExportResponseProto(outcome.rejected, outcome.errorMessage)));
    return grpcRequestOutcome(GrpcCode.OK, outcome.rejected > 0 || outcome.errorMessage !== '');
  } finally {
    o.pipeline.release(ticket);
  }
}

type Read =
  | { readonly status: 'ok'; readonly ticket: Ticket; readonly message: Uint8Array; readonly compressed: boolean }
  | { readonly status: 'failed'; readonly error: RpcStatus }
  | { readonly status: 'refused'; readonly refusal: IngestFailure }
  | { readonly status: 'aborted' };

/**
 * Reads the call's one message: its prefix first (size checked against the limit and taken
 * from the in-flight budget before anything is buffered), then exactly its bytes.
 */
function readMessage(stream: ServerHttp2Stream, o: OtlpGrpcOptions, deadlineMs: number): Promise<Read> {
  return new Promise((resolve) => {
    const prefix = Buffer.alloc(MESSAGE_PREFIX_BYTES);
    let prefixBytes = 0;
    let message: Buffer | null = null;
    let got = 0;
    let ticket: Ticket | null = null;
    let compressed = false;
    let done = false;
    const timer = Number.isFinite(deadlineMs) ? setTimeout(() => finish({ status: 'failed', error: { code: GrpcCode.DEADLINE_EXCEEDED, message: 'deadline exceeded before the message arrived' } }), deadlineMs) : null;
    const finish = (r: Read): void => {
      if (done) return;
      done = true;
      if (timer !== null) clearTimeout(timer);
      stream.off('data', onData);
      if (r.status !== 'ok' && ticket !== null) o.pipeline.release(ticket);
      resolve(r);
    };
    const onData = (chunk: Buffer): void => {
      let at = 0;
      if (prefixBytes < MESSAGE_PREFIX_BYTES) {
        const take = Math.min(MESSAGE_PREFIX_BYTES - prefixBytes, chunk.length);
        chunk.copy(prefix, prefixBytes, 0, take);
        prefixBytes += take;
        at = take;
        if (prefixBytes < MESSAGE_PREFIX_BYTES) return;
        compressed = prefix[0] === 1;
        const length = prefix.readUInt32BE(1);
        if (prefix[0]! > 1) return finish({ status: 'failed', error: { code: GrpcCode.INTERNAL, message: `invalid message flag ${prefix[0]}` } });
        if (length > o.maxRecvMsgBytes) return finish({ status: 'failed', error: { code: GrpcCode.RESOURCE_EXHAUSTED, message: `Received message larger than max (${length} vs. ${o.maxRecvMsgBytes})` } });
        const admitted = o.pipeline.admit(length, RECEIVER);
        if ('status' in admitted) return finish({ status: 'refused', refusal: admitted });
        ticket = admitted;
        message = Buffer.allocUnsafe(length);
      }
      const rest = chunk.length - at;
      if (got + rest > message!.length) return finish({ status: 'failed', error: { code: GrpcCode.UNIMPLEMENTED, message: 'received a second request message for a unary call' } });
      chunk.copy(message!, got, at);
      got += rest;
    };
    stream.on('data', onData);
    stream.once('end', () => {
      if (message === null || got < message.length) finish({ status: 'failed', error: { code: GrpcCode.UNIMPLEMENTED, message: 'received no complete request message for a unary call' } });
      else finish({ status: 'ok', ticket: ticket!, message, compressed });
    });
    stream.once('close', () => finish({ status: 'aborted' }));
  });
}

function failWith(stream: ServerHttp2Stream, outcome: IngestFailure): RequestOutcome | null {
  return fail(stream, statusOf(outcome));
}

/** A trailers-only answer with the status (and RetryInfo for retryable ones). */
function fail(stream: ServerHttp2Stream, status: RpcStatus): RequestOutcome | null {
  if (stream.destroyed || stream.headersSent) return null;
  stream.respond(statusHeaders(status, true), { endStream: true });
  // Answered before the client finished sending: ask it to stop without error (RFC 9113 §8.1),
  // so a refused body is neither received nor buffered.
  if (!stream.readableEnded) stream.close(http2.constants.NGHTTP2_NO_ERROR);
  return grpcRequestOutcome(status.code, false);
}

function answerHttp(stream: ServerHttp2Stream, status: number): RequestOutcome | null {
  if (stream.destroyed || stream.headersSent) return null;
  stream.respond({ ':status': status, ...(status === 405 ? { allow: 'POST' } : {}) }, { endStream: true });
  return 'invalid';
}

/** Stops accepting, lets calls in flight finish (GOAWAY to every session), and destroys what is left at the deadline. */
function closeServer(server: http2.Http2Server, sessions: Set<http2.ServerHttp2Session>, deadlineMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      for (const s of sessions) s.destroy();
      resolve();
    }, deadlineMs);
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    for (const s of sessions) s.close();
  });
}
