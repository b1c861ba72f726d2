// Exporters over TLS with the agent started by its CLI: a custom CA and a client certificate
// (mTLS) to an HTTPS remote-write upstream (refused until the client certificate is set), a
// bearer token from a file rotated on disk and on reload, an upstream certificate the exporter
// must refuse (counted, data kept, delivered after a reload that fixes the CA),
// insecure_skip_verify only when set, and OTLP (gRPC and HTTP) to a second cairn whose
// receivers require TLS, a client certificate and a token, with its CA file replaced on disk.
// Certificates are made by openssl here.
import { writeFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AckedLoad } from '../../support/acked-load.js';
import { ackedKeys, missingFrom } from '../../support/acked-keys.js';
import type { TestCerts } from '../../support/certs.js';
import { hasOpenssl, makeTestCerts } from '../../support/certs.js';
import { cliConfigYaml, tempDir } from '../../support/cli.js';
import { FakeUpstream } from '../../support/fake-upstream.js';
import type { ForwardingAgent } from '../../support/forwarding-agent.js';
import { caughtUp, exporterStatus, startForwardingAgent } from '../../support/forwarding-agent.js';
import type { RunningAgent } from '../../support/store-agent.js';
import { eventually, startStoreAgent } from '../../support/store-agent.js';
import { rawSamples } from '../../support/upstreams.js';

const FAST = { retry: { initial: '20ms', max: '200ms', auth_interval: '200ms' }, timeout: '2s', max_batch_points: 50 };
// openssl (Debian package openssl) makes the certificates; without it these suites skip, saying so.
const describeTls = describe.skipIf(!hasOpenssl());
const NO_OPENSSL = ' (skipped where openssl is not installed)';

let certs: TestCerts;
let cleanups: (() => Promise<unknown>)[] = [];
beforeAll(() => {
  if (hasOpenssl()) certs = makeTestCerts();
});
afterAll(() => certs?.remove());
afterEach(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  cleanups = [];
});

const newLoad = (prefix: string): AckedLoad => new AckedLoad({ prefix, senders: 2, seriesPerSender: 5, pointsPerRequest: 5, baseMs: Date.now() - 3_600_000, stepMs: 1000, pauseMs: 20 });

async function agent(entries: Record<string, Record<string, unknown>>): Promise<ForwardingAgent> {
  const a = await startForwardingAgent(tempDir('cairn-xtls-store-').dir, entries);
  cleanups.push(() => a.kill());
  return a;
}

async function httpsUpstream(mtls: boolean): Promise<FakeUpstream> {
  const u = await FakeUpstream.start({ cert: certs.read(certs.serverCert), key: certs.read(certs.serverKey), ...(mtls ? { ca: certs.read(certs.caCert), requestCert: true, rejectUnauthorized: true } : {}) });
  cleanups.push(() => u.close());
  return u;
}

/** Runs the load until the upstream accepted `points` more samples than now (or it was stopped). */
async function sendSome(a: RunningAgent, load: AckedLoad, acceptedNow: () => number, points = 50): Promise<void> {
  const run = load.run(a.grpc);
  const start = acceptedNow();
  await eventually(() => acceptedNow() > start + points, 15_000, 'points reaching the upstream');
  run.stop();
  await run.done;
}

describeTls(`exporter TLS and tokens${NO_OPENSSL}`, () => {
  it('remote write over mTLS with a custom CA and a token from a file; the rotated file is picked up on disk and on reload', async () => {
    const upstream = await httpsUpstream(true);
    const dir = tempDir('cairn-xtls-token-');
    cleanups.push(async () => dir.remove());
    let token = 'first-token-0c1d';
    const tokenFile = dir.write('token', `# exporter token\n${token}\n`);
    upstream.script = (req) => (req.headers['authorization'] === `Bearer ${token}` ? { status: 204 } : { status: 401 });
    const entry = { kind: 'prometheus_remote_write', endpoints: [upstream.url], tls: { ca_file: certs.caCert, cert_file: certs.clientCert, key_file: certs.clientKey }, bearer_token_file: tokenFile, ...FAST };
    const a = await agent({ up: entry });
    const load = newLoad('xtlsmtls');
    await sendSome(a, load, () => upstream.accepted.size);

    // Rotated on disk: the watcher re-reads it within a few seconds, nothing is lost meanwhile.
    token = 'second-token-9e2f';
    writeFileSync(tokenFile, `${token}\n`);
    await sendSome(a, load, () => upstream.accepted.size);
    // Rotated and reloaded at once: the reload re-reads it (its log says so).
    token = 'third-token-5a7b';
    writeFileSync(tokenFile, `${token}\n`);
    expect(await a.reload({ up: entry })).toBeNull();
    await sendSome(a, load, () => upstream.accepted.size);
    const [status] = await caughtUp(a);
    // The old token was refused until the new one was read: the upstream did check it.
    expect(status!.failedPoints['auth']).toBeGreaterThan(0);
    expect(a.cairn.logs.some((l) => l['msg'] === 'exporter credentials re-read' && l['why'] === 'changed on disk')).toBe(true);
    expect(a.cairn.logs.some((l) => l['msg'] === 'exporter credentials re-read' && l['why'] === 'reload')).toBe(true);
    expect(missingFrom(ackedKeys(load), (k) => upstream.accepted.has(k))).toEqual([]);
    expect(status!.droppedPoints).toEqual({});
    // Every accepted request carried the token; none of them reached the log.
    const logText = a.cairn.stderrLines.join('\n');
    for (const t of ['first-token-0c1d', 'second-token-9e2f', 'third-token-5a7b']) expect(logText).not.toContain(t);
  });

  it('refuses an upstream certificate from another CA (counted as a tls failure, data kept) and delivers after a reload that fixes the CA', async () => {
    const upstream = await httpsUpstream(false);
    const entry = (ca: string) => ({ kind: 'prometheus_remote_write', endpoints: [upstream.url], tls: { ca_file: ca }, ...FAST });
    const a = await agent({ up: entry(certs.strangerCert) });
    const load = newLoad('xtlswrongca');
    const run = load.run(a.grpc);
    await eventually(async () => ((await exporterStatus(a))[0]!.failedPoints['tls'] ?? 0) > 0, 15_000, 'tls failures counted');
    run.stop();
    await run.done;
    expect(upstream.requests).toEqual([]);
    const metrics = await a.api.metrics();
    expect(metrics.sum('cairn_exporter_points_failed_total', { exporter: 'up', reason: 'tls' })).toBeGreaterThan(0);
    expect((await exporterStatus(a))[0]!.endpoints[0]!.lastError).toMatch(/TLS/);

    expect(await a.reload({ up: entry(certs.caCert) })).toBeNull();
    const [status] = await caughtUp(a);
    const acked = ackedKeys(load);
    expect(acked.size).toBeGreaterThan(0);
    expect(missingFrom(acked, (k) => upstream.accepted.has(k))).toEqual([]);
    expect(status!.droppedPoints).toEqual({});
  });

  it('an mTLS upstream refuses the exporter until it presents a client certificate', async () => {
    const upstream = await httpsUpstream(true);
    const entry = (client: boolean) => ({
      kind: 'prometheus_remote_write',
      endpoints: [upstream.url],
      tls: { ca_file: certs.caCert, ...(client ? { cert_file: certs.clientCert, key_file: certs.clientKey } : {}) },
      ...FAST,
    });
    const a = await agent({ up: entry(false) });
    const load = newLoad('xtlsnoclient');
    const run = load.run(a.grpc);
    await eventually(async () => ((await exporterStatus(a))[0]!.failedPoints['tls'] ?? 0) > 0, 15_000, 'tls failures counted');
    run.stop();
    await run.done;
    expect(upstream.requests).toEqual([]);
    expect(await a.reload({ up: entry(true) })).toBeNull();
    await caughtUp(a);
    expect(missingFrom(ackedKeys(load), (k) => upstream.accepted.has(k))).toEqual([]);
  });

  it('skips verification only when insecure_skip_verify is set', async () => {
    const upstream = await httpsUpstream(false);
    const entry = (skip: boolean) => ({ kind: 'prometheus_remote_write', endpoints: [upstream.url], ...(skip ? { tls: { insecure_skip_verify: true } } : {}), ...FAST });
    // Without a CA the system's CAs apply, which do not know the test CA.
    const a = await agent({ up: entry(false) });
    const load = newLoad('xtlsskip');
    const run = load.run(a.grpc);
    await eventually(async () => ((await exporterStatus(a))[0]!.failedPoints['tls'] ?? 0) > 0, 15_000, 'tls failures counted');
    run.stop();
    await run.done;
    expect(upstream.requests).toEqual([]);
    expect(await a.reload({ up: entry(true) })).toBeNull();
    await caughtUp(a);
    expect(missingFrom(ackedKeys(load), (k) => upstream.accepted.has(k))).toEqual([]);
  });

  describe('OTLP to a second cairn whose receivers require TLS, a client certificate and a token', () => {
    const TOKEN = 'upstream-token-3f9d';
    let b: RunningAgent;
    beforeAll(async () => {
      const tls = `      tls: { cert_file: ${certs.serverCert}, key_file: ${certs.serverKey}, client_ca_file: ${certs.caCert} }\n      auth: { bearer_tokens: ["${TOKEN}"] }\n`;
      const dir = tempDir('cairn-xtls-b-');
      const yaml = cliConfigYaml('', tempDir('cairn-xtls-b-store-').dir).replace(/( {4}(grpc|http):\n {6}endpoint: 127\.0\.0\.1:0\n)/g, `$1${tls}`);
      b = await startStoreAgent(dir.write('cairn.yaml', yaml));
    });
    afterAll(() => b?.kill());

    for (const kind of ['otlp_grpc', 'otlp_http'] as const) {
      it(`${kind} delivers every acknowledged point`, async () => {
        const endpoint = kind === 'otlp_grpc' ? `https://${b.grpc}` : b.httpUrl.replace('http://', 'https://');
        const prefix = `xtls${kind.replace('_', '')}`;
        const a = await agent({ up: { kind, endpoints: [endpoint], tls: { ca_file: certs.caCert, cert_file: certs.clientCert, key_file: certs.clientKey }, bearer_token: TOKEN, ...FAST } });
        const load = newLoad(prefix);
        const run = load.run(a.grpc);
        await eventually(async () => ((await exporterStatus(a))[0]!.sentPoints ?? 0) > 100, 15_000, 'points reaching the second cairn');
        run.stop();
        await run.done;
        const [status] = await caughtUp(a);
        expect(status!.droppedPoints).toEqual({});
        expect(status!.failedPoints).toEqual({});
        const stored = await rawSamples(b.api.base, `{__name__="${prefix}_value"}`, Date.now() / 1000);
        expect(missingFrom(ackedKeys(load), (k) => stored.has(k))).toEqual([]);
      });
    }

    for (const kind of ['otlp_grpc', 'otlp_http'] as const) {
      it(`${kind} picks up a CA file replaced on disk, without a reload`, async () => {
        const dir = tempDir('cairn-xtls-ca-');
        cleanups.push(async () => dir.remove());
        const caFile = dir.write('ca.crt', certs.read(certs.strangerCert).toString());
        const endpoint = kind === 'otlp_grpc' ? `https://${b.grpc}` : b.httpUrl.replace('http://', 'https://');
        const prefix = `xtlsrot${kind.replace('_', '')}`;
        const a = await agent({ up: { kind, endpoints: [endpoint], tls: { ca_file: caFile, cert_file: certs.clientCert, key_file: certs.clientKey }, bearer_token: TOKEN, ...FAST } });
        const load = newLoad(prefix);
        const run = load.run(a.grpc);
        await eventually(async () => ((await exporterStatus(a))[0]!.failedPoints['tls'] ?? 0) > 0, 15_000, 'tls failures counted');
        writeFileSync(caFile, certs.read(certs.caCert));
        await eventually(async () => ((await exporterStatus(a))[0]!.sentPoints ?? 0) > 100, 15_000, 'delivery once the CA file changed');
        run.stop();
        await run.done;
        const [status] = await caughtUp(a);
        expect(status!.droppedPoints).toEqual({});
        expect(a.cairn.logs.some((l) => l['msg'] === 'exporter credentials re-read' && l['why'] === 'changed on disk')).toBe(true);
        const stored = await rawSamples(b.api.base, `{__name__="${prefix}_value"}`, Date.now() / 1000);
        expect(missingFrom(ackedKeys(load), (k) => stored.has(k))).toEqual([]);
      });
    }

    it('otlp_grpc refuses the second cairn under another CA (tls failures, data kept) and delivers after a reload that fixes it', async () => {
      const entry = (ca: string) => ({ kind: 'otlp_grpc', endpoints: [`https://${b.grpc}`], tls: { ca_file: ca, cert_file: certs.clientCert, key_file: certs.clientKey }, bearer_token: TOKEN, ...FAST });
      const a = await agent({ up: entry(certs.strangerCert) });
      const load = newLoad('xtlsgrpcca');
      const run = load.run(a.grpc);
      await eventually(async () => ((await exporterStatus(a))[0]!.failedPoints['tls'] ?? 0) > 0, 15_000, 'tls failures counted');
      run.stop();
      await run.done;
      expect((await exporterStatus(a))[0]!.sentPoints).toBe(0);
      expect(await a.reload({ up: entry(certs.caCert) })).toBeNull();
      const [status] = await caughtUp(a);
      expect(status!.droppedPoints).toEqual({});
      const stored = await rawSamples(b.api.base, '{__name__="xtlsgrpcca_value"}', Date.now() / 1000);
      expect(missingFrom(ackedKeys(load), (k) => stored.has(k))).toEqual([]);
    });
  });
});
