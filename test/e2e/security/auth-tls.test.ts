import * as grpc from '@grpc/grpc-js';
import { OTLPMetricExporter as GrpcExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPMetricExporter as ProtoExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { X509Certificate } from 'node:crypto';
import * as tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CairnProcess } from '../../support/cli.js';
import { cliConfigYaml, spawnCairn, tempDir } from '../../support/cli.js';
import type { TestCerts } from '../../support/certs.js';
import { hasOpenssl, makeTestCerts } from '../../support/certs.js';
import { RawExportClient } from '../../support/grpc-client.js';
import { httpRequest, postMetrics } from '../../support/http-client.js';
import { decodeStatus, goodRequest } from '../../support/payloads.js';
import { runWorkload } from '../../support/otel-sdk.js';

// Every listener with TLS, client certificates and bearer tokens, the agent started by its CLI;
// certificates made by openssl here; the real OpenTelemetry SDK exporters as clients.

const GRPC_TOKEN = 'grpc-token-4b8f0e1d9a';
const HTTP_TOKEN = 'http-token-73c2aa51f0';
const API_TOKEN = 'api-token-e91d3375bb';
const ALL_TOKENS = [GRPC_TOKEN, HTTP_TOKEN, API_TOKEN];

// openssl (Debian package openssl) makes the certificates; without it these suites skip, saying so.
const describeTls = describe.skipIf(!hasOpenssl());
const NO_OPENSSL = ' (skipped where openssl is not installed)';

describeTls(`listeners with TLS, mTLS and bearer tokens${NO_OPENSSL}`, () => {
  let certs: TestCerts;
  let cairn: CairnProcess;
  let dir: ReturnType<typeof tempDir>;
  let addr: { grpc: string; http: string };
  let api: string;
  let clientTls: { ca: Buffer; cert: Buffer; key: Buffer };

  beforeAll(async () => {
    certs = makeTestCerts();
    dir = tempDir();
    const tokenFile = dir.write('http-tokens', `# one token per line\n${HTTP_TOKEN}\n`);
    const tlsYaml = `{ cert_file: ${certs.serverCert}, key_file: ${certs.serverKey}, client_ca_file: ${certs.caCert} }`;
    const config = cliConfigYaml().replace(
      /receivers:[\s\S]*?api:\n  endpoint: 127.0.0.1:0\n/,
      `receivers:
  otlp:
    grpc:
      endpoint: 127.0.0.1:0
      tls: ${tlsYaml}
      auth: { bearer_tokens: ["${GRPC_TOKEN}"] }
    http:
      endpoint: 127.0.0.1:0
      tls: ${tlsYaml}
      auth: { bearer_token_files: [${tokenFile}] }
workers:
  threads: 1
shutdown:
  timeout: 5s
api:
  endpoint: 127.0.0.1:0
  tls: ${tlsYaml}
  auth: { bearer_tokens: ["\${CAIRN_API_TOKEN}"] }
`,
    );
    cairn = spawnCairn(['run', '--config', dir.write('cairn.yaml', config)], [], { CAIRN_API_TOKEN: API_TOKEN });
    addr = await cairn.listening();
    api = String((await cairn.waitForLog('api listening'))['address']);
    clientTls = { ca: certs.read(certs.caCert), cert: certs.read(certs.clientCert), key: certs.read(certs.clientKey) };
  });

  afterAll(async () => {
    await cairn?.kill();
    dir?.remove();
    certs?.remove();
  });

  const grpcCreds = (cert = certs.clientCert, key = certs.clientKey): grpc.ChannelCredentials => grpc.credentials.createSsl(certs.read(certs.caCert), certs.read(key), certs.read(cert));
  const metadata = (token?: string): grpc.Metadata => {
    const m = new grpc.Metadata();
    if (token !== undefined) m.set('authorization', `Bearer ${token}`);
    return m;
  };

  it('the OpenTelemetry SDK exporters deliver over TLS with a client certificate and their token', async () => {
    const grpcRun = await runWorkload(new GrpcExporter({ url: `https://${addr.grpc}`, credentials: grpcCreds(), metadata: metadata(GRPC_TOKEN), timeoutMillis: 10_000 }), { 'service.name': 'tls-grpc' });
    const httpRun = await runWorkload(
      new ProtoExporter({ url: `https://${addr.http}/v1/metrics`, headers: { Authorization: `Bearer ${HTTP_TOKEN}` }, httpAgentOptions: clientTls, timeoutMillis: 10_000 }),
      { 'service.name': 'tls-http' },
    );
    for (const run of [grpcRun, httpRun]) expect(new Set(run.exporter.results.map((r) => r.code))).toEqual(new Set([0]));
    const res = await httpRequest(`https://${api}/api/v1/label/job/values`, { method: 'GET', headers: { authorization: `Bearer ${API_TOKEN}` }, tls: clientTls });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body.toString()).data).toEqual(expect.arrayContaining(['tls-grpc', 'tls-http']));
  });

  it('gRPC: a missing or wrong token is UNAUTHENTICATED; the right one is accepted', async () => {
    const client = new RawExportClient(addr.grpc, {}, grpcCreds());
    try {
      const body = goodRequest('grpc-auth').proto;
      const missing = await client.export(body);
      const wrong = await client.export(body, {}, metadata('not-the-token'));
      const other = await client.export(body, {}, metadata(HTTP_TOKEN));
      for (const r of [missing, wrong, other]) expect(r).toMatchObject({ ok: false, code: grpc.status.UNAUTHENTICATED });
      expect(missing.ok ? '' : missing.details).toContain('missing bearer token');
      expect(await client.export(body, {}, metadata(GRPC_TOKEN))).toMatchObject({ ok: true });
    } finally {
      client.client.close();
    }
  });

  it('OTLP/HTTP: a missing or wrong token is 401 with WWW-Authenticate and an UNAUTHENTICATED status', async () => {
    const url = `https://${addr.http}/v1/metrics`;
    const body = goodRequest('http-auth').proto;
    const missing = await postMetrics(url, body, { tls: clientTls });
    expect(missing.status).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer realm="cairn"');
    expect(decodeStatus(missing.body, missing.contentType)).toMatchObject({ code: 16 });
    const wrong = await postMetrics(url, body, { tls: clientTls, headers: { authorization: `Bearer ${GRPC_TOKEN}` } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers['www-authenticate']).toBe('Bearer realm="cairn", error="invalid_token"');
    expect((await postMetrics(url, body, { tls: clientTls, headers: { authorization: `Basic ${HTTP_TOKEN}` } })).status).toBe(401);
    expect((await postMetrics(url, body, { tls: clientTls, headers: { authorization: `Bearer ${HTTP_TOKEN}` } })).status).toBe(200);
  });

  it('API: every path needs the token but the health checks', async () => {
    const get = (path: string, token?: string) =>
      httpRequest(`https://${api}${path}`, { method: 'GET', tls: clientTls, headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
    for (const path of ['/api/v1/labels', '/metrics', '/-/reload']) {
      const res = await get(path);
      expect(res.status, path).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="cairn"');
    }
    expect((await get('/api/v1/labels', GRPC_TOKEN)).status).toBe(401);
    expect((await get('/healthz')).status).toBe(200);
    expect((await get('/readyz')).status).toBe(200);
    expect((await get('/api/v1/labels', API_TOKEN)).status).toBe(200);
  });

  it('a client without a certificate, with one from another CA, or with an expired one, is refused at the handshake', async () => {
    const attempts: [string, Pick<tls.ConnectionOptions, 'cert' | 'key'>][] = [
      ['no certificate', {}],
      ['another CA', { cert: certs.read(certs.strangerCert), key: certs.read(certs.strangerKey) }],
      ['expired', { cert: certs.read(certs.expiredClientCert), key: certs.read(certs.expiredClientKey) }],
    ];
    for (const target of [addr.http, addr.grpc, api]) {
      for (const [what, cert] of attempts) {
        const outcome = await tlsRequest(target, { ...cert, ca: clientTls.ca, ALPNProtocols: target === addr.grpc ? ['h2'] : ['http/1.1'] });
        expect(outcome, `${what} → ${target}`).toMatch(/^refused/);
      }
      expect(await tlsRequest(target, { ...clientTls, ALPNProtocols: target === addr.grpc ? ['h2'] : ['http/1.1'] })).toBe('answered');
    }
    const stranger = new RawExportClient(addr.grpc, {}, grpcCreds(certs.strangerCert, certs.strangerKey));
    expect(await stranger.export(goodRequest('stranger').proto, { deadline: Date.now() + 5000 }, metadata(GRPC_TOKEN))).toMatchObject({ ok: false, code: grpc.status.UNAVAILABLE });
    stranger.client.close();
  });

  it('counts refusals by listener and reason, and never logs a token', async () => {
    const res = await httpRequest(`https://${api}/metrics`, { method: 'GET', tls: clientTls, headers: { authorization: `Bearer ${API_TOKEN}` } });
    const text = res.body.toString();
    for (const listener of ['otlp_grpc', 'otlp_http', 'api']) {
      expect(text).toMatch(new RegExp(`cairn_auth_failures_total\\{listener="${listener}",reason="missing"\\} [1-9]`));
    }
    expect(text).toMatch(/cairn_auth_failures_total\{listener="otlp_http",reason="invalid"\} [1-9]/);
    expect(text).toMatch(/cairn_auth_failures_total\{listener="otlp_http",reason="tls_handshake"\} [1-9]/);
    const log = cairn.stderrLines.join('\n');
    for (const token of ALL_TOKENS) expect(log).not.toContain(token);
  });
});

describeTls(`server certificates${NO_OPENSSL}`, () => {
  let certs: TestCerts;
  beforeAll(() => {
    certs = makeTestCerts();
  });
  afterAll(() => certs?.remove());

  it('an expired server certificate is refused by the SDK exporter; TLS below min_version is refused', async () => {
    const dir = tempDir();
    const tlsYaml = (min: string) => `{ cert_file: ${certs.expiredServerCert}, key_file: ${certs.expiredServerKey}, min_version: "${min}" }`;
    const config = cliConfigYaml().replace('    grpc:\n      endpoint: 127.0.0.1:0\n', `    grpc:\n      endpoint: 127.0.0.1:0\n      tls: ${tlsYaml('1.2')}\n`).replace('    http:\n      endpoint: 127.0.0.1:0\n', `    http:\n      endpoint: 127.0.0.1:0\n      tls: ${tlsYaml('1.3')}\n`);
    const cairn = spawnCairn(['run', '--config', dir.write('cairn.yaml', config)]);
    try {
      const addr = await cairn.listening();
      const exporter = new GrpcExporter({ url: `https://${addr.grpc}`, credentials: grpc.credentials.createSsl(certs.read(certs.caCert)), timeoutMillis: 5000 });
      const run = await runWorkload(exporter, { 'service.name': 'expired' });
      expect(new Set(run.exporter.results.map((r) => r.code))).toEqual(new Set([1]));
      expect(await tlsRequest(addr.grpc, { ca: certs.read(certs.caCert), ALPNProtocols: ['h2'] })).toMatch(/^refused.*expired/i);
      expect(await tlsRequest(addr.http, { ca: certs.read(certs.caCert), maxVersion: 'TLSv1.2', rejectUnauthorized: false })).toMatch(/^refused/);
      expect(await tlsRequest(addr.http, { ca: certs.read(certs.caCert), minVersion: 'TLSv1.3', rejectUnauthorized: false })).toBe('answered');
    } finally {
      await cairn.kill();
      dir.remove();
    }
  });

  it('a replaced certificate is served to new connections without a restart', async () => {
    const dir = tempDir();
    const cert = dir.write('tls.crt', certs.read(certs.serverCert).toString());
    const key = dir.write('tls.key', certs.read(certs.serverKey).toString());
    const config = cliConfigYaml().replace('    http:\n      endpoint: 127.0.0.1:0\n', `    http:\n      endpoint: 127.0.0.1:0\n      tls: { cert_file: ${cert}, key_file: ${key} }\n`);
    const cairn = spawnCairn(['run', '--config', dir.write('cairn.yaml', config)]);
    try {
      const addr = await cairn.listening();
      const serial = (pem: string): string => new X509Certificate(pem).fingerprint256;
      const first = await peerSerial(addr.http, certs.read(certs.caCert));
      expect(first).toBe(serial(certs.read(certs.serverCert).toString()));
      // The key first, then the certificate: between the two writes the pair does not match.
      dir.write('tls.key', certs.read(certs.serverKey2).toString());
      await new Promise((r) => setTimeout(r, 2500));
      expect(await peerSerial(addr.http, certs.read(certs.caCert))).toBe(first);
      dir.write('tls.crt', certs.read(certs.serverCert2).toString());
      const wanted = serial(certs.read(certs.serverCert2).toString());
      const deadline = Date.now() + 10_000;
      let now = first;
      while (now !== wanted && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        now = await peerSerial(addr.http, certs.read(certs.caCert));
      }
      expect(now).toBe(wanted);
      expect(cairn.logs.some((l) => l['msg'] === 'tls files changed but cannot be used; keeping the previous certificate')).toBe(true);
      expect(cairn.logs.filter((l) => l['msg'] === 'tls certificate loaded')).toHaveLength(1);
    } finally {
      await cairn.kill();
      dir.remove();
    }
  });
});

/** Opens a TLS connection and sends a request line; 'answered' when the server answers, else 'refused: <reason>'. */
function tlsRequest(target: string, options: tls.ConnectionOptions): Promise<string> {
  const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
  return new Promise((resolve) => {
    const socket = tls.connect({ host, port, servername: 'localhost', ...options });
    const done = (outcome: string): void => {
      socket.destroy();
      resolve(outcome);
    };
    socket.setTimeout(5000, () => done('refused: timeout'));
    socket.once('secureConnect', () => {
      // TLS 1.3 reports a refused client certificate after the handshake: wait for an answer.
      socket.write(Array.isArray(options.ALPNProtocols) && options.ALPNProtocols[0] === 'h2' ? 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0\0\x04\0\0\0\0\0' : 'GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
    });
    socket.once('data', () => done('answered'));
    socket.once('error', (err) => done(`refused: ${err.message}`));
    socket.once('end', () => done('refused: closed'));
  });
}

function peerSerial(target: string, ca: Buffer): Promise<string> {
  const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port, ca, servername: 'localhost' }, () => {
      const serial = socket.getPeerCertificate().fingerprint256;
      socket.destroy();
      resolve(serial);
    });
    socket.once('error', reject);
  });
}
