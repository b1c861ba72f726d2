import * as http from 'node:http';
import { CairnError, ErrorCodes } from '../errors/index.js';
import type { Logger } from '../log/index.js';
// Shared with the receivers so addresses are logged the same way everywhere.
import type { ListenerSecurity, NetComponent } from '../net/index.js';
import { securedHttpComponent } from '../net/index.js';
import type { LifecycleOptions } from './lifecycle.js';
import { handleLifecycle, LIFECYCLE_PATHS } from './lifecycle.js';
import type { ApiContext } from './api-context.js';
import { failureOf, HTTP_STATUS_OF } from './api-error.js';
import { encodeFailure, encodeSuccess } from './json-encode.js';
import type { Querier } from '../query/index.js';
import { createQueryEngine } from '../query/index.js';
import { readParams } from './request-params.js';
import { API_METHODS, findApiRoute } from './routes.js';

export interface ApiServerOptions {
  readonly host: string;
  /** 0 picks a free port (tests); the agent's default is 9977 on 127.0.0.1. */
  readonly port: number;
  readonly querier: Querier;
  /** Whether the store can answer; /readyz and the query endpoints follow it. */
  readonly ready: () => boolean;
  readonly logger: Logger;
  /** The agent's own metrics in Prometheus text format; /metrics answers 404 without it. */
  readonly metricsText?: () => string;
  /** Milliseconds since the epoch; defaults to Date.now (tests pin it). */
  readonly now?: () => number;
  /** Default and cap of a query's `timeout`; Prometheus' default is 2 minutes. */
  readonly queryTimeoutMs?: number;
  /** Most samples one query may hold (Prometheus' default 50,000,000). */
  readonly queryMaxSamples?: number;
  /** Queries evaluated at once; more wait for a turn. */
  readonly queryMaxConcurrency?: number;
  /** Bearer tokens and TLS; none: open, plain HTTP. */
  readonly security?: ListenerSecurity;
  /** Paths answered without a token (read on every request: reloadable). */
  readonly openPaths?: () => readonly string[];
  /** POST /-/reload. */
  readonly lifecycle?: LifecycleOptions;
  /** Forwarding status for `/api/v1/status/exporters`. */
  readonly exporters?: () => unknown;
}

/** The local HTTP API, with the same life cycle as a receiver. */
export type ApiServer = NetComponent;

const COMPONENT = 'api';
const JSON_TYPE = 'application/json';
const TEXT_TYPE = 'text/plain; charset=utf-8';
const METRICS_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

interface PlainAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/** Health and metrics: plain text, GET or HEAD, never refused for readiness. */
const PLAIN_ROUTES: Readonly<Record<string, (o: ApiServerOptions) => PlainAnswer>> = {
  '/healthz': healthy,
  '/-/healthy': healthy,
  '/readyz': ready,
  '/-/ready': ready,
  '/metrics': (o) => (o.metricsText === undefined ? text(404, 'this agent exposes no metrics\n') : { status: 200, contentType: METRICS_TYPE, body: o.metricsText() }),
};

export function createApiServer(o: ApiServerOptions): ApiServer {
  const engine = createQueryEngine({ querier: o.querier, timeoutMs: o.queryTimeoutMs, maxSamples: o.queryMaxSamples, maxConcurrency: o.queryMaxConcurrency });
  const ctx: ApiContext = { querier: o.querier, now: o.now ?? Date.now, engine, exporters: o.exporters };
  const options: http.ServerOptions = { requestTimeout: 5 * 60_000, headersTimeout: 20_000, keepAliveTimeout: 65_000 };
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    handle(o, ctx, req, res).catch((err: unknown) => {
      o.logger.error('api request failed', { component: COMPONENT, error: failureOf(err).message });
      send(res, text(500, 'internal error\n'));
    });
  };
  return securedHttpComponent(options, onRequest, o.security, { name: COMPONENT, host: o.host, port: o.port, logger: o.logger, listeningMessage: 'api listening' });
}

async function handle(o: ApiServerOptions, ctx: ApiContext, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const method = req.method ?? 'GET';
  const url = requestUrl(req.url ?? '');
  if (url === undefined) return send(res, text(400, `cannot parse request target ${JSON.stringify(req.url)}\n`));
  if (o.security !== undefined && !(o.openPaths?.() ?? []).includes(url.pathname)) {
    const verdict = o.security.authorize(req.headers.authorization);
    if (verdict !== 'ok') {
      res.setHeader('WWW-Authenticate', verdict === 'missing' ? 'Bearer realm="cairn"' : 'Bearer realm="cairn", error="invalid_token"');
      if (!req.complete) res.setHeader('Connection', 'close');
      return send(res, text(401, verdict === 'missing' ? 'Unauthorized: a bearer token is required\n' : 'Unauthorized: invalid bearer token\n'));
    }
  }
  if (LIFECYCLE_PATHS.includes(url.pathname)) {
    const answer = await handleLifecycle(o.lifecycle, method, url.pathname);
    if (answer.allow !== undefined) res.setHeader('Allow', answer.allow);
    return send(res, text(answer.status, answer.body));
  }
  const plain = PLAIN_ROUTES[url.pathname];
  if (plain !== undefined) {
    if (method !== 'GET' && method !== 'HEAD') return notAllowed(res, method, 'GET, HEAD');
    return send(res, safePlain(o, plain));
  }
  const found = findApiRoute(url.pathname);
  if (found === undefined) return send(res, text(404, `no such path ${url.pathname}\n`));
  if (!(API_METHODS as readonly string[]).includes(method)) return notAllowed(res, method, API_METHODS.join(', '));
  let body: string | readonly string[];
  let status = 200;
  try {
    if (found.route.needsStore && !o.ready()) throw new CairnError(ErrorCodes.STORE_UNAVAILABLE, 'cairn is starting: the store is not ready to answer queries yet');
    const params = await readParams(req, url);
    const answer = await found.route.handler(params, ctx, found.pathParam);
    body = encodeSuccess(answer.data, answer.warnings, answer.infos);
  } catch (err) {
    const failure = failureOf(err);
    if (failure.errorType === 'internal') o.logger.error('api request failed', { component: COMPONENT, path: url.pathname, error: failure.message });
    // A body left unread (refused early, or too large) would be parsed as the next request.
    if (!req.complete) res.setHeader('Connection', 'close');
    status = HTTP_STATUS_OF[failure.errorType];
    body = encodeFailure(failure);
  }
  if (typeof body === 'string') send(res, { status, contentType: JSON_TYPE, body });
  else await sendParts(res, status, body);
}

/** A JSON answer in pieces, written as the socket takes them (a result may exceed what one string can hold). */
async function sendParts(res: http.ServerResponse, status: number, parts: readonly string[]): Promise<void> {
  if (res.headersSent) return;
  // Chunked: the length would need a pass over hundreds of MB before the first byte.
  res.writeHead(status, { 'Content-Type': JSON_TYPE });
  for (const p of parts) {
    if (res.destroyed) return;
    if (!res.write(p, 'utf8')) await new Promise<void>((resolve) => {
      res.once('drain', resolve);
      res.once('close', resolve);
    });
  }
  res.end();
}

/** Only origin-form targets (`/path?query`); the host part is a placeholder. */
function requestUrl(target: string): URL | undefined {
  if (!target.startsWith('/')) return undefined;
  try {
    return new URL(`http://local${target}`);
  } catch {
    return undefined;
  }
}

function healthy(): PlainAnswer {
  return text(200, 'ok\n');
}

function ready(o: ApiServerOptions): PlainAnswer {
  return o.ready() ? text(200, 'ready\n') : text(503, 'not ready\n');
}

function safePlain(o: ApiServerOptions, route: (o: ApiServerOptions) => PlainAnswer): PlainAnswer {
  try {
    return route(o);
  } catch (err) {
    o.logger.error('api request failed', { component: COMPONENT, error: failureOf(err).message });
    return text(500, 'internal error\n');
  }
}

function text(status: number, body: string): PlainAnswer {
  return { status, contentType: TEXT_TYPE, body };
}

function notAllowed(res: http.ServerResponse, method: string, allow: string): void {
  res.setHeader('Allow', allow);
  send(res, text(405, `method ${method} is not allowed here; use ${allow}\n`));
}

function send(res: http.ServerResponse, a: PlainAnswer): void {
  if (res.headersSent) return;
  const body = Buffer.from(a.body, 'utf8');
  res.writeHead(a.status, { 'Content-Type': a.contentType, 'Content-Length': body.length });
  res.end(body);
}
