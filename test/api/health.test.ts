// Health, readiness, the agent's own metrics, routing and the server's life cycle.
import * as net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer } from '../../src/api/index.js';
import { createLogger, silentLogger } from '../../src/log/index.js';
import { MemoryQuerier } from '../support/memory-querier.js';
import type { RunningApi } from './harness.js';
import { startApi } from './harness.js';

const METRICS = '# TYPE cairn_up gauge\ncairn_up 1\n';
let api: RunningApi;
beforeAll(async () => {
  api = await startApi([], { metricsText: () => METRICS });
});
afterAll(() => api.close());

describe('health and readiness', () => {
  it('/healthz answers 200 while the process serves, ready or not', async () => {
    api.setReady(false);
    const a = await api.get('/healthz');
    expect([a.status, a.text, a.contentType]).toEqual([200, 'ok\n', 'text/plain; charset=utf-8']);
    api.setReady(true);
    expect((await fetch(`${api.base}/healthz`, { method: 'HEAD' })).status).toBe(200);
  });

  it('/readyz follows ready()', async () => {
    api.setReady(false);
    expect((await api.get('/readyz')).status).toBe(503);
    expect((await api.get('/-/ready')).status).toBe(503);
    api.setReady(true);
    expect((await api.get('/readyz')).status).toBe(200);
    expect((await api.get('/-/healthy')).status).toBe(200);
  });
});

describe('/metrics', () => {
  it('serves metricsText() in the Prometheus text format', async () => {
    const a = await api.get('/metrics');
    expect([a.status, a.contentType, a.text]).toEqual([200, 'text/plain; version=0.0.4; charset=utf-8', METRICS]);
  });

  it('answers 404 when no metrics are provided', async () => {
    const bare = await startApi([]);
    try {
      expect((await bare.get('/metrics')).status).toBe(404);
    } finally {
      await bare.close();
    }
  });
});

describe('routing', () => {
  it('answers 404 for unknown paths and 405 with Allow for other methods', async () => {
    expect((await api.get('/api/v1/nope')).status).toBe(404);
    expect((await api.get('/')).status).toBe(404);
    const put = await fetch(`${api.base}/api/v1/query?query=1`, { method: 'PUT' });
    expect([put.status, put.headers.get('allow')]).toEqual([405, 'GET, POST']);
    const post = await fetch(`${api.base}/healthz`, { method: 'POST' });
    expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
  });

  it('merges form body and URL parameters, the body first (like Go r.Form)', async () => {
    const a = await fetch(`${api.base}/api/v1/query?query=2&time=10`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: 'query=1',
    });
    expect(await a.text()).toBe('{"status":"success","data":{"resultType":"scalar","result":[10,"1"]}}');
  });

  it('ignores bodies that are not url-encoded forms', async () => {
    const a = await fetch(`${api.base}/api/v1/query?query=3&time=10`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"1"}' });
    expect(await a.text()).toBe('{"status":"success","data":{"resultType":"scalar","result":[10,"3"]}}');
  });
});

describe('life cycle', () => {
  it('logs "api listening" with its address as a JSON line, and shuts down idempotently', async () => {
    const lines: string[] = [];
    const server = createApiServer({
      host: '127.0.0.1',
      port: 0,
      querier: new MemoryQuerier([]),
      ready: () => true,
      logger: createLogger('info', (l) => lines.push(l)),
    });
    expect(server.name).toBe('api');
    await server.start();
    expect(server.address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/\n$/);
    expect(JSON.parse(lines[0]!)).toEqual({ time: expect.any(String), level: 'info', msg: 'api listening', component: 'api', address: server.address, tls: false });
    expect((await fetch(`http://${server.address}/healthz`)).status).toBe(200);
    await server.shutdown(1000);
    await server.shutdown(1000);
    await expect(fetch(`http://${server.address}/healthz`)).rejects.toThrow();
  });

  it('can be shut down before it was started', async () => {
    const server = createApiServer({ host: '127.0.0.1', port: 0, querier: new MemoryQuerier([]), ready: () => true, logger: silentLogger });
    await server.shutdown(100);
  });

  it('fails start when the port is taken', async () => {
    const port = Number(api.server.address.split(':')[1]);
    const server = createApiServer({ host: '127.0.0.1', port, querier: new MemoryQuerier([]), ready: () => true, logger: silentLogger });
    await expect(server.start()).rejects.toThrow(/EADDRINUSE/);
  });
});

describe('odd requests', () => {
  it('answers 400 to a request target that is not a path, and keeps serving', async () => {
    const [host, port] = api.server.address.split(':') as [string, string];
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(port), host, () => socket.write('OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
      let got = '';
      socket.on('data', (d: Buffer) => (got += d.toString()));
      socket.on('end', () => resolve(got));
      socket.on('error', reject);
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400 /);
    expect((await api.get('/healthz')).status).toBe(200);
  });
});
