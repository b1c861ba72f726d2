import { readFileSync } from 'node:fs';
import * as net from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { CairnProcess } from '../support/cli.js';
import { cliConfigYaml, REPO, runCairn, spawnCairn, tempDir } from '../support/cli.js';
import type { GrpcResult } from '../support/grpc-client.js';
import { expectGrpcOk, RawExportClient } from '../support/grpc-client.js';
import { httpRequest, postMetrics } from '../support/http-client.js';
import { goodRequest } from '../support/payloads.js';

// The CLI as users run it: a real process, real signals, exit codes and log lines.

const dir = tempDir();
const goodConfig = dir.write('good.yaml', cliConfigYaml());
const badConfig = dir.write('bad.yaml', cliConfigYaml('limits:\n  max_inflight_byte: 1MiB\n'));
const INVALID = join(REPO, 'test/fixtures/config/invalid');
const started: CairnProcess[] = [];

afterEach(async () => {
  await Promise.all(started.splice(0).map((p) => p.kill()));
});
afterAll(() => dir.remove());

async function startCairn(): Promise<{ cairn: CairnProcess; grpc: string; httpUrl: string }> {
  const cairn = spawnCairn(['run', '--config', goodConfig]);
  started.push(cairn);
  const addr = await cairn.listening();
  return { cairn, grpc: addr.grpc, httpUrl: `http://${addr.http}/v1/metrics` };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Exit status, or 'timeout' if the process is still running after `ms`. */
const exitWithin = (cairn: CairnProcess, ms: number): Promise<unknown> =>
  Promise.race([cairn.exited, sleep(ms).then(() => 'timeout')]);

describe('cairn run', () => {
  it('logs both bound addresses as JSON lines and serves requests', async () => {
    const { cairn, grpc, httpUrl } = await startCairn();
    for (const address of [grpc, new URL(httpUrl).host]) expect(address).toMatch(/^127\.0\.0\.1:[1-9]\d*$/);
    const listening = cairn.logs.filter((l) => l['msg'] === 'receiver listening');
    expect(listening.map((l) => l['component']).sort()).toEqual(['otlp_grpc', 'otlp_http']);
    for (const l of listening) expect(l).toMatchObject({ level: 'info', time: expect.any(String), address: expect.any(String) });
    expect(await cairn.waitForLog('agent started')).toMatchObject({ component: 'agent', workers: 1 });

    const client = new RawExportClient(grpc);
    expectGrpcOk(await client.export(goodRequest('cli').proto));
    client.close();
    expect((await postMetrics(httpUrl, goodRequest('cli').json, { contentType: 'application/json' })).status).toBe(200);
  });

  it('on SIGTERM, answers the requests in flight and exits 0 within the deadline', async () => {
    const { cairn, grpc, httpUrl } = await startCairn();
    // A request whose body trickles in over ~1 s: in flight when the signal arrives.
    const g = goodRequest('trickle');
    const pieces = Array.from({ length: 10 }, (_, i) => g.proto.subarray(Math.floor((i * g.proto.length) / 10), Math.floor(((i + 1) * g.proto.length) / 10)));
    const trickle = httpRequest(httpUrl, { chunks: pieces, headers: { 'content-type': 'application/x-protobuf' }, chunkDelayMs: 100 });
    // And a steady stream of gRPC requests, several outstanding at any time.
    const client = new RawExportClient(grpc);
    const grpcResults: GrpcResult[] = [];
    let streaming = true;
    const stream = Promise.all(
      [0, 1, 2].map(async () => {
        while (streaming) {
          grpcResults.push(await client.export(goodRequest('stream').proto, { deadline: new Date(Date.now() + 10_000) }));
          await sleep(10);
        }
      }),
    );
    await sleep(300);
    const signalled = Date.now();
    cairn.child.kill('SIGTERM');
    const exit = await exitWithin(cairn, 5000 + 2000);
    const tookMs = Date.now() - signalled;
    streaming = false;
    await stream;
    client.close();

    expect(exit).toEqual({ code: 0, signal: null });
    expect(tookMs).toBeLessThan(5000);
    const answer = await trickle;
    expect(answer.status).toBe(200);
    // Every gRPC call got OK, or a retryable UNAVAILABLE once the agent stopped taking work.
    expect(grpcResults.filter((r) => r.ok).length).toBeGreaterThan(0);
    const outcomes = grpcResults.map((r) => (r.ok ? 'ok' : `${r.code} ${r.details}`));
    expect(outcomes.filter((o) => !/^(ok|14 )/.test(o))).toEqual([]);
    const msgs = cairn.logs.map((l) => l['msg']);
    expect(cairn.logs.find((l) => l['msg'] === 'stopping')).toMatchObject({ signal: 'SIGTERM' });
    expect(msgs).toContain('agent stopped');
    expect(cairn.logs.filter((l) => l['level'] === 'error')).toEqual([]);
  });

  it('on SIGINT, stops the same way', async () => {
    const { cairn, httpUrl } = await startCairn();
    expect((await postMetrics(httpUrl, goodRequest('sigint').proto)).status).toBe(200);
    cairn.child.kill('SIGINT');
    expect(await exitWithin(cairn, 5000)).toEqual({ code: 0, signal: null });
    expect(cairn.logs.find((l) => l['msg'] === 'stopping')).toMatchObject({ signal: 'SIGINT' });
    expect(cairn.logs.map((l) => l['msg'])).toContain('agent stopped');
  });

  it('a second signal during shutdown exits 1 at once', async () => {
    const { cairn, httpUrl } = await startCairn();
    // Holds shutdown open: the body never finishes within the test.
    const g = goodRequest('stuck');
    const stuck = httpRequest(httpUrl, { chunks: [g.proto.subarray(0, 5), g.proto.subarray(5)], headers: { 'content-type': 'application/x-protobuf' }, chunkDelayMs: 20_000 }).catch((e: Error) => e);
    await sleep(200);
    cairn.child.kill('SIGTERM');
    await sleep(300);
    expect(await exitWithin(cairn, 0)).toBe('timeout');
    cairn.child.kill('SIGTERM');
    expect(await exitWithin(cairn, 3000)).toEqual({ code: 1, signal: null });
    expect(cairn.logs.map((l) => l['msg'])).toContain('second signal; exiting now');
    await stuck;
  });

  it('with an invalid config, exits 2 without listening', async () => {
    const cairn = spawnCairn(['run', '--config', badConfig]);
    started.push(cairn);
    expect(await exitWithin(cairn, 10_000)).toEqual({ code: 2, signal: null });
    const stderr = cairn.stderrLines.join('\n');
    expect(stderr).toMatch('limits.max_inflight_byte');
    expect(stderr).toMatch('did you mean max_inflight_bytes?');
    expect(stderr).not.toMatch('receiver listening');
  });

  it('exits 1 when a port is taken', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const cfg = dir.write('taken.yaml', cliConfigYaml().replace('endpoint: 127.0.0.1:0\nworkers', `endpoint: 127.0.0.1:${port}\nworkers`));
      expect(readFileSync(cfg, 'utf8')).toMatch(`127.0.0.1:${port}`);
      const cairn = spawnCairn(['run', '--config', cfg]);
      started.push(cairn);
      expect(await exitWithin(cairn, 10_000)).toEqual({ code: 1, signal: null });
      expect(cairn.logs.find((l) => l['msg'] === 'agent failed to start')).toMatchObject({ level: 'error', error: expect.stringMatching(/EADDRINUSE/) });
    } finally {
      blocker.close();
    }
  });
});

describe('cairn check-config / --version', () => {
  it.each([
    ['typo-key.yaml', 'receivers.otlp.grpc.max_recv_msg_byte'],
    ['endpoint-port-out-of-range.yaml', 'receivers.otlp.grpc.endpoint'],
    ['yaml-syntax-error.yaml', 'line 2, column 16'],
  ])('on %s exits 2 naming %s on stderr', async (file, path) => {
    const r = await runCairn(['check-config', join(INVALID, file)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(`${file}: ${path}: got `);
    expect(r.stdout).toBe('');
  });

  it('on a missing file exits 2', async () => {
    const r = await runCairn(['check-config', join(dir.dir, 'missing.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch('cannot read config file');
  });

  it('on a good file exits 0', async () => {
    const r = await runCairn(['check-config', goodConfig]);
    expect(r).toEqual({ code: 0, stdout: `${goodConfig}: configuration is valid\n`, stderr: '' });
  });

  it('--version prints the package version', async () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
    const r = await runCairn(['--version']);
    expect(r).toEqual({ code: 0, stdout: `cairn ${pkg.version}\n`, stderr: '' });
  });

  it('an unknown command exits 2', async () => {
    const r = await runCairn(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch('unknown command "frobnicate"');
  });
});
