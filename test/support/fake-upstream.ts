import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { RwSeries } from './rw-decode.js';
import { decodeRw1 } from './rw-decode.js';

/** One request the fake upstream received. */
export interface FakeRequest {
  readonly at: number;
  readonly series: RwSeries[];
  readonly points: number;
  readonly headers: http.IncomingHttpHeaders;
}

/** What to answer: a status (headers, body), `hang` (never answer), or `reset` (destroy the socket). */
export type FakeAnswer = { readonly status: number; readonly headers?: Record<string, string>; readonly body?: string; readonly delayMs?: number } | 'hang' | 'reset';

/**
 * A scripted remote write receiver: `script(request, index)` decides each answer; samples of
 * requests answered 2xx are `accepted`. Stands in for upstream faults no real server shows on cue.
 */
export class FakeUpstream {
  readonly requests: FakeRequest[] = [];
  /** Samples of 2xx-answered requests, as `name{labels} t=v` keys with their delivery count. */
  readonly accepted = new Map<string, number>();
  script: (req: FakeRequest, index: number) => FakeAnswer = () => ({ status: 204 });
  readonly #server: http.Server;
  readonly #hung: http.ServerResponse[] = [];
  readonly #secure: boolean;

  private constructor(tls: https.ServerOptions | undefined) {
    this.#secure = tls !== undefined;
    const handler: http.RequestListener = (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const series = decodeRw1(Buffer.concat(chunks));
        const request: FakeRequest = { at: Date.now(), series, points: series.reduce((n, s) => n + s.samples.length, 0), headers: req.headers };
        const answer = this.script(request, this.requests.length);
        this.requests.push(request);
        if (answer === 'hang') return void this.#hung.push(res);
        if (answer === 'reset') return void req.socket.destroy();
        const reply = (): void => {
          if (answer.status >= 200 && answer.status < 300) {
            for (const s of series) for (const p of s.samples) this.accepted.set(sampleKey(s.labels, p), (this.accepted.get(sampleKey(s.labels, p)) ?? 0) + 1);
          }
          res.writeHead(answer.status, answer.headers);
          res.end(answer.body ?? '');
        };
        if (answer.delayMs === undefined) reply();
        else setTimeout(reply, answer.delayMs);
      });
    };
    this.#server = tls === undefined ? http.createServer(handler) : https.createServer(tls, handler);
  }

  /** Plain HTTP, or HTTPS with these server options (certificate, key, and a CA to ask clients for one). */
  static async start(tls?: https.ServerOptions): Promise<FakeUpstream> {
    const f = new FakeUpstream(tls);
    await new Promise<void>((resolve) => f.#server.listen(0, '127.0.0.1', resolve));
    return f;
  }

  get url(): string {
    return `${this.#secure ? 'https' : 'http'}://127.0.0.1:${(this.#server.address() as AddressInfo).port}/api/v1/write`;
  }

  /** Distinct samples accepted, and how many arrived more than once. */
  counts(): { distinct: number; duplicates: number } {
    let duplicates = 0;
    for (const n of this.accepted.values()) duplicates += n - 1;
    return { distinct: this.accepted.size, duplicates };
  }

  /** Replaces the server's certificate (rotation on the upstream side). */
  setSecureContext(tls: https.ServerOptions): void {
    (this.#server as https.Server).setSecureContext(tls);
  }

  async close(): Promise<void> {
    for (const r of this.#hung) r.destroy();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

/**
 * Sample keys split into points and the label sets of `target_info`: a remote write exporter
 * samples `target_info` once per request it builds, and two exporters (or two stores) merge
 * batches into requests differently, so only its label sets compare, never its times.
 */
export function pointsAndInfos(keys: Iterable<string>): { points: string[]; infos: string[] } {
  const all = [...keys];
  return {
    points: all.filter((k) => !k.startsWith('target_info{')).sort(),
    infos: [...new Set(all.filter((k) => k.startsWith('target_info{')).map((k) => k.split(' ')[0]!))].sort(),
  };
}

export function sampleKey(labels: Record<string, string>, p: { readonly t: number; readonly v: number }): string {
  const { __name__: name, ...rest } = labels;
  const l = Object.keys(rest)
    .sort()
    .map((k) => `${k}="${rest[k]}"`)
    .join(',');
  return `${name}{${l}} ${p.t}=${p.v}`;
}
