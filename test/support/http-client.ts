import * as http from 'node:http';
import * as https from 'node:https';

export interface HttpResult {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
  /** True when the request went over a kept-alive socket used before. */
  readonly reusedSocket: boolean;
  readonly contentType: string;
}

export interface HttpRequestOptions {
  readonly method?: string;
  readonly headers?: http.OutgoingHttpHeaders;
  /** Sent whole with a Content-Length, unless `chunks` is given. */
  readonly body?: Uint8Array;
  /** Sent with chunked transfer encoding (no Content-Length), one write per chunk. */
  readonly chunks?: readonly Uint8Array[];
  /** Pause between chunks (a body that trickles in). */
  readonly chunkDelayMs?: number;
  readonly agent?: http.Agent;
  readonly timeoutMs?: number;
  /** For https URLs: the CA to trust and a client certificate. */
  readonly tls?: Pick<https.RequestOptions, 'ca' | 'cert' | 'key' | 'minVersion' | 'maxVersion'>;
}

/**
 * One HTTP request with node:http, so tests control Content-Length and chunking exactly.
 * Resolves with the response as soon as it is complete; a write error after the server
 * already answered (it may close without reading a refused body) is ignored.
 */
export function httpRequest(url: string, o: HttpRequestOptions = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = { ...o.headers };
    if (o.body !== undefined && o.chunks === undefined) headers['content-length'] = o.body.byteLength;
    const options = { method: o.method ?? 'POST', headers, agent: o.agent ?? false };
    const req = url.startsWith('https:') ? https.request(url, { ...options, ...o.tls }) : http.request(url, options);
    let answered = false;
    req.setTimeout(o.timeoutMs ?? 20_000, () => req.destroy(new Error(`HTTP request to ${url} timed out`)));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        answered = true;
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks),
          reusedSocket: req.reusedSocket,
          contentType: String(res.headers['content-type'] ?? ''),
        });
      });
      res.on('error', (err) => {
        if (!answered) reject(err);
      });
    });
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    if (o.chunks !== undefined) {
      void writeChunks(req, o.chunks, o.chunkDelayMs ?? 0);
    } else req.end(o.body);
  });
}

async function writeChunks(req: http.ClientRequest, chunks: readonly Uint8Array[], delayMs: number): Promise<void> {
  for (const [i, c] of chunks.entries()) {
    if (i > 0 && delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
    if (req.destroyed) return;
    if (!req.write(c)) await new Promise<void>((r) => {
      req.once('drain', r);
      req.once('close', r);
    });
  }
  if (!req.destroyed) req.end();
}

/** POST to /v1/metrics with the given content type (protobuf by default). */
export function postMetrics(
  url: string,
  body: Uint8Array,
  o: { contentType?: string; encoding?: string; agent?: http.Agent; headers?: http.OutgoingHttpHeaders; timeoutMs?: number; tls?: HttpRequestOptions['tls'] } = {},
): Promise<HttpResult> {
  const headers: http.OutgoingHttpHeaders = { 'content-type': o.contentType ?? 'application/x-protobuf', ...o.headers };
  if (o.encoding !== undefined) headers['content-encoding'] = o.encoding;
  return httpRequest(url, { body, headers, agent: o.agent, timeoutMs: o.timeoutMs, tls: o.tls });
}

/** A keep-alive agent with a single socket, so consecutive requests share one connection. */
export function singleSocketAgent(): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: 1 });
}
