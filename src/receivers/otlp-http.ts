import * as http from 'node:http';
import type { Logger } from '../log/index.js';
import type { Format, IngestFailure, IngestPipeline, IngestRejection, RequestOutcome } from '../pipeline/index.js';
import { requestOutcomeOf } from '../pipeline/index.js';
import type { AuthVerdict, SlowBody } from '../net/index.js';
import { securedHttpComponent } from '../net/index.js';
import { readBody } from './http-body.js';
import type { RpcStatus } from './otlp-answers.js';
import { encodeExportResponseJson, encodeExportResponseProto, encodeStatusJson, encodeStatusProto, GrpcCode, httpRequestOutcome, statusOf } from './otlp-answers.js';
import type { Receiver, ReceiverGuard } from './receiver.js';

export interface OtlpHttpOptions {
  readonly host: string;
  readonly port: number;
  readonly pipeline: IngestPipeline;
  readonly logger: Logger;
  readonly guard: ReceiverGuard;
}

const RECEIVER = 'otlp_http';
const PATH = '/v1/metrics';
const UNREAD_BODY_KEEPALIVE_BYTES = 64 * 1024;
const CONTENT_TYPES: Record<string, Format> = { 'application/x-protobuf': 'protobuf', 'application/json': 'json' };
const MEDIA_TYPE: Record<Format, string> = { protobuf: 'application/x-protobuf', json: 'application/json' };
/** HTTP status for each non-ok outcome, per the OTLP/HTTP specification. */
const PERMANENT_STATUS: Record<IngestRejection, number> = { invalid: 400, too_large: 413, internal: 500 };
const httpStatusOf = (o: IngestFailure): number => (o.status === 'permanent' ? PERMANENT_STATUS[o.reason] : o.status === 'refused' ? 429 : 503);

/** OTLP/HTTP `POST /v1/metrics`, protobuf and JSON, optionally gzip-encoded. */
export function createOtlpHttpReceiver(o: OtlpHttpOptions): Receiver {
  // Body timing is the body watch's job (limits.body_timeout); this one is only a backstop.
  const options: http.ServerOptions = { requestTimeout: 0, headersTimeout: 20_000, keepAliveTimeout: 65_000 };
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const startedMs = performance.now();
    const peer = req.socket.remoteAddress ?? '';
    if (!o.guard.peers.acquire(peer)) {
      res.setHeader('Connection', 'close');
      o.pipeline.observeRequest(RECEIVER, startedMs, sendOutcome(res, formatOf(req), o.pipeline.refusedPeer(RECEIVER)));
      return;
    }
    void handle(o, req, res).then((outcome) => {
      o.guard.peers.release(peer);
      o.pipeline.observeRequest(RECEIVER, startedMs, outcome);
    });
  };
  return securedHttpComponent(options, onRequest, o.guard.security, { name: RECEIVER, host: o.host, port: o.port, logger: o.logger, listeningMessage: 'receiver listening' }, (server) => o.guard.peers.attach(server));
}

function formatOf(req: http.IncomingMessage): Format {
  return CONTENT_TYPES[(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()] ?? 'json';
}

/** Answers one request; resolves with how it ended, once the answer is written. */
async function handle(o: OtlpHttpOptions, req: http.IncomingMessage, res: http.ServerResponse): Promise<RequestOutcome> {
  const verdict = o.guard.security.authorize(req.headers.authorization);
  if (verdict !== 'ok') return unauthorized(res, formatOf(req), verdict);
  const mediaType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const format: Format | undefined = CONTENT_TYPES[mediaType];
  const answerFormat = format ?? 'json';
  const path = (req.url ?? '/').split('?')[0];
  if (path !== PATH) return sendStatus(res, 404, answerFormat, { code: GrpcCode.NOT_FOUND, message: `no such path ${path}; OTLP metrics go to POST ${PATH}` });
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    return sendStatus(res, 405, answerFormat, { code: GrpcCode.UNIMPLEMENTED, message: `method ${req.method} is not allowed on ${PATH}; use POST` });
  }
  if (format === undefined) {
    return sendStatus(res, 415, 'json', { code: GrpcCode.INVALID_ARGUMENT, message: `unsupported Content-Type "${mediaType}"; use application/x-protobuf or application/json` });
  }
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== 'gzip' && encoding !== 'identity' && encoding !== '') {
    return sendStatus(res, 415, format, { code: GrpcCode.INVALID_ARGUMENT, message: `unsupported Content-Encoding "${encoding}"; use gzip or none` });
  }
  const max = o.guard.maxBytes();
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > max) return tooLarge(res, format, max);
  // Budget is taken as the body arrives: what a client announces costs nothing until it is sent.
  const ticket = o.pipeline.admit(0, RECEIVER);
  if ('status' in ticket) {
    // Reading a large refused body only to discard it would spend the CPU the refusal saves.
    if (!(declared <= UNREAD_BODY_KEEPALIVE_BYTES)) res.setHeader('Connection', 'close');
    return sendOutcome(res, format, ticket);
  }
  try {
    const read = await readBody(req, max, (more) => o.pipeline.grow(ticket, more), (onSlow) => o.guard.bodies.watch(onSlow));
    if (read.status === 'too_large') return tooLarge(res, format, max);
    if (read.status === 'aborted') return 'aborted';
    if (read.status === 'too_slow') return tooSlow(o, res, format, read.why);
    if (read.status === 'over_budget') {
      res.setHeader('Connection', 'close');
      return sendOutcome(res, format, o.pipeline.refused(RECEIVER));
    }
    const outcome = await o.pipeline.process(ticket, read.body, format, encoding === 'gzip', max, RECEIVER);
    if (outcome.status !== 'ok') return sendOutcome(res, format, outcome);
    const body = format === 'json' ? encodeExportResponseJson(outcome.rejected, outcome.errorMessage) : encodeExportResponseProto(outcome.rejected, outcome.errorMessage);
    send(res, 200, format, body);
    return requestOutcomeOf(outcome);
  } finally {
    o.pipeline.release(ticket);
  }
}

function tooLarge(res: http.ServerResponse, format: Format, max: number): RequestOutcome {
  // The rest of the body is not read; close the connection rather than drain it.
  res.setHeader('Connection', 'close');
  return sendStatus(res, 413, format, { code: GrpcCode.RESOURCE_EXHAUSTED, message: `request body is larger than the limit of ${max} bytes` });
}

function tooSlow(o: OtlpHttpOptions, res: http.ServerResponse, format: Format, why: SlowBody): RequestOutcome {
  o.pipeline.slowBody(RECEIVER, why);
  res.setHeader('Connection', 'close');
  const message = why === 'rate' ? 'request body arrived slower than limits.min_body_rate' : 'request body did not arrive within limits.body_timeout';
  return sendStatus(res, 408, format, { code: GrpcCode.DEADLINE_EXCEEDED, message });
}

/** 401 with the RFC 6750 challenge; the body is not read, so the connection closes. */
function unauthorized(res: http.ServerResponse, format: Format, verdict: Exclude<AuthVerdict, 'ok'>): RequestOutcome {
  res.setHeader('WWW-Authenticate', verdict === 'missing' ? 'Bearer realm="cairn"' : 'Bearer realm="cairn", error="invalid_token"');
  res.setHeader('Connection', 'close');
  const message = verdict === 'missing' ? 'missing bearer token (Authorization: Bearer <token>)' : 'invalid bearer token';
  return sendStatus(res, 401, format, { code: GrpcCode.UNAUTHENTICATED, message });
}

function sendOutcome(res: http.ServerResponse, format: Format, outcome: IngestFailure): RequestOutcome {
  const status = statusOf(outcome);
  if (status.retryAfterMs !== undefined) res.setHeader('Retry-After', String(Math.max(1, Math.ceil(status.retryAfterMs / 1000))));
  return sendStatus(res, httpStatusOf(outcome), format, status);
}

function sendStatus(res: http.ServerResponse, code: number, format: Format, status: RpcStatus): RequestOutcome {
  return send(res, code, format, format === 'json' ? encodeStatusJson(status) : encodeStatusProto(status));
}

function send(res: http.ServerResponse, code: number, format: Format, body: Buffer): RequestOutcome {
  if (res.headersSent) return 'error';
  res.writeHead(code, { 'Content-Type': MEDIA_TYPE[format], 'Content-Length': body.length });
  res.end(body);
  return httpRequestOutcome(code);
}
