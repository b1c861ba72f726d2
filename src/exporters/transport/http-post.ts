import * as http from 'node:http';
import * as https from 'node:https';

/** An upstream's HTTP answer; the body is kept up to `MAX_BODY_BYTES` (enough for any error text). */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

const MAX_BODY_BYTES = 64 * 1024;

/** POSTs to one URL over a keep-alive connection pool of its own. */
export class HttpPoster {
  readonly url: URL;
  readonly #agent: http.Agent;
  readonly #request: typeof http.request;

  constructor(url: string) {
    this.url = new URL(url);
    const secure = this.url.protocol === 'https:';
    // A few sockets: one request in flight per shard, plus a probe.
    this.#agent = secure ? new https.Agent({ keepAlive: true, maxSockets: 16 }) : new http.Agent({ keepAlive: true, maxSockets: 16 });
    this.#request = secure ? https.request : http.request;
  }

  /** Rejects on network errors and on `signal` (timeout or shutdown); any status resolves. */
  post(body: Buffer, headers: Readonly<Record<string, string>>, signal: AbortSignal): Promise<HttpAnswer> {
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
}
