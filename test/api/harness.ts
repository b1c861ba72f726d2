import { expect } from 'vitest';
import type { ApiServer, ApiServerOptions } from '../../src/api/index.js';
import { createApiServer } from '../../src/api/index.js';
import { createLogger } from '../../src/log/index.js';
import type { TestSeries } from '../support/memory-querier.js';
import { MemoryQuerier } from '../support/memory-querier.js';

export interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
  readonly headers: Headers;
}

export type Params = Readonly<Record<string, string | readonly string[]>>;

export interface RunningApi {
  readonly base: string;
  readonly server: ApiServer;
  readonly querier: MemoryQuerier;
  readonly logLines: string[];
  setReady(ready: boolean): void;
  get(path: string, params?: Params): Promise<Answer>;
  post(path: string, params?: Params): Promise<Answer>;
  /** GET and POST (form body) must answer alike; returns the answer. */
  both(path: string, params?: Params): Promise<Answer>;
  close(): Promise<void>;
}

export async function startApi(series: readonly TestSeries[], extra: Partial<ApiServerOptions> = {}): Promise<RunningApi> {
  const querier = new MemoryQuerier(series);
  const logLines: string[] = [];
  let ready = true;
  const server = createApiServer({
    host: '127.0.0.1',
    port: 0,
    querier,
    ready: () => ready,
    logger: createLogger('debug', (l) => logLines.push(l)),
    ...extra,
  });
  await server.start();
  const base = `http://${server.address}`;
  const get = (path: string, params: Params = {}) => answerOf(fetch(`${base}${path}${query(params, '?')}`));
  const post = (path: string, params: Params = {}) =>
    answerOf(fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: query(params, '') }));
  return {
    base,
    server,
    querier,
    logLines,
    setReady: (r) => {
      ready = r;
    },
    get,
    post,
    async both(path, params = {}) {
      const [g, p] = await Promise.all([get(path, params), post(path, params)]);
      expect({ status: p.status, text: p.text }).toEqual({ status: g.status, text: g.text });
      return g;
    },
    close: () => server.shutdown(1000),
  };
}

export function query(params: Params, prefix: string): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) for (const one of typeof v === 'string' ? [v] : v) search.append(k, one);
  const s = search.toString();
  return s === '' ? '' : `${prefix}${s}`;
}

async function answerOf(pending: Promise<Response>): Promise<Answer> {
  const res = await pending;
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', text: await res.text(), headers: res.headers };
}

/** Asserts a Prometheus error envelope and returns its message. */
export function expectError(a: Answer, status: number, errorType: string): string {
  expect(a.status, a.text).toBe(status);
  expect(a.contentType).toBe('application/json');
  const body = JSON.parse(a.text) as { status: string; errorType: string; error: string };
  expect(body.status).toBe('error');
  expect(body.errorType).toBe(errorType);
  expect(Object.keys(body)).toEqual(['status', 'errorType', 'error']);
  return body.error;
}

/** Asserts a success envelope and returns its `data`. */
export function dataOf(a: Answer): unknown {
  expect(a.status, a.text).toBe(200);
  expect(a.contentType).toBe('application/json');
  const body = JSON.parse(a.text) as { status: string; data: unknown };
  expect(body.status).toBe('success');
  return body.data;
}
