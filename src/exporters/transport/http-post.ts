import * as http from 'node:http';
import * as https from 'node:https';
import type { TlsSource } from './exporter-credentials.js';

/** An upstream's HTTP answer; the body is kept up to `MAX_BODY_BYTES` (enough for any error text). */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

const MAX_BODY_BYTES = 64 * 1024;
/** A replaced connection pool is closed this long after (its requests in flight finish or time out first). */
const RETIRE_AFTER_MS = 60_000;

/**
 * POSTs to one URL over a keep-alive connection pool of its own. For https the pool is made
 * with the exporter's TLS options, and made again when they change (a rotated certificate or
 * CA): new requests use new connections, the old pool is closed once its requests are done.
 */
export class HttpPoster {
  readonly url: URL;
  readonly #secure: boolean;
  readonly #tls: TlsSource | undefined;
  #agent: http.Agent;
  #version = -1;
  readonly #request: typeof http.request;

  constructor(url: string, tls?: TlsSource) {
    this.url = new URL(url);
    this.#secure = this.url.protocol === 'https:';
    this.#tls = tls;
    this.#agent = this.#newAgent();
    this.#request = this.#secure ? https.request : http.request;
  }

  /** Rejects on network errors (TLS verification failures included) and on `signal` (timeout or shutdown); any status resolves. */
  post(body: Buffer, headers: Readonly<Record<string, string>>, signal: AbortSignal): Promise<HttpAnswer> {
    if (this.#secure && this.#tls !== undefined && this.#tls.version !== this.#version) this.#replaceAgent();
    return new Promise((resolve, reject) => {
      const req = this.#request(this.url, { method: 'POST', agent: this.#agent, headers: { ...headers, 'Content-Length': String(body.length) }, signal }, (res) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        res.on('data', (c: Buffer) => {
          if (kept < MAX_BODY_BYTES) {
            chunks.push(c);
            kept += c.length;
          }
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.#agent.destroy();
  }

  #newAgent(): http.Agent {
    // A few sockets: one request in flight per shard, plus a probe.
    if (!this.#secure) return new http.Agent({ keepAlive: true, maxSockets: 16 });
    this.#version = this.#tls?.version ?? 0;
    return new https.Agent({ keepAlive: true, maxSockets: 16, ...this.#tls?.tls });
  }

  #replaceAgent(): void {
    const old = this.#agent;
    this.#agent = this.#newAgent();
    setTimeout(() => old.destroy(), RETIRE_AFTER_MS).unref();
  }
}
