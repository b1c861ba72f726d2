import * as http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DecodeReply, DecodeRequest } from '../../src/workers/index.js';
import { WorkerLostError } from '../../src/workers/index.js';
import type { TestAgent } from '../support/agent.js';
import { startTestAgent, waitFor } from '../support/agent.js';
import { RawExportClient } from '../support/grpc-client.js';
import { postMetrics } from '../support/http-client.js';
import { goodRequest } from '../support/payloads.js';
import { expectGrpcStillWorks, expectHttpStillWorks } from '../support/still-works.js';

// The real agent after one of its decode workers dies.
//
// There is no hook to kill a decode worker. The only public way in is WorkerPool.run: a
// DecodeRequest whose offset is past the end of its buffer makes the worker throw outside
// its try block (new Uint8Array(body, offset, length) is a RangeError), which ends the thread.

let t: TestAgent;
let client: RawExportClient;

beforeAll(async () => {
  t = await startTestAgent({ config: { workers: { threads: 1 }, shutdown: { timeout: '1s' } } });
  client = new RawExportClient(t.grpcAddress);
});
afterAll(async () => {
  client?.close();
  await t?.close();
});

/** Kills the (single) decode worker; resolves once its exit has been handled. */
async function crashDecodeWorker(): Promise<void> {
  const poison: DecodeRequest = { format: 'protobuf', gzip: false, maxBytes: 1, region: -1, body: new ArrayBuffer(0), offset: 8, length: 8, replyRegion: -1 };
  const err = await t.agent.pool.run('decode', poison, []).then(
    () => new Error('the poison request was answered'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkerLostError);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('decode worker crash', () => {
  it('the agent keeps serving gRPC and HTTP once the worker is replaced', async () => {
    await expectGrpcStillWorks(t, client);
    await crashDecodeWorker();
    expect(t.agent.registry.value('cairn_workers_crashes_total')).toBe(1);
    await sleep(100); // no public signal says when the replacement is up
    await expectGrpcStillWorks(t, client);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    await expectHttpStillWorks(t, agent, false);
    await expectHttpStillWorks(t, agent, true, 'json');
    agent.destroy();
    expect(t.agent.pool.stats()).toMatchObject({ size: 1, inFlight: 0, crashes: 1 });
    expect(t.agent.admission.inFlightBytes).toBe(0);
  });

  // Regression: requests reaching the pool between a crash and the replacement's backed-off
  // spawn were posted to the dead Worker, never answered, and their budget never released.
  it('requests arriving while the worker is being replaced get an answer and release their budget', async () => {
    await crashDecodeWorker();
    await sleep(50);
    await crashDecodeWorker(); // second in a row: the replacement waits out a back-off
    const g = goodRequest('during_respawn');
    const deadline = new Date(Date.now() + 3000);
    const [viaGrpc, viaHttp] = await Promise.all([
      client.export(g.proto, { deadline }),
      postMetrics(t.httpUrl, g.proto, { timeoutMs: 3000 }).then(
        (r) => r,
        (e: Error) => e,
      ),
    ]);
    // Either accepted, or refused with a retryable answer; never left hanging.
    const grpcAnswer = viaGrpc.ok ? 'ok' : `${viaGrpc.code} ${viaGrpc.details}`;
    expect.soft(grpcAnswer, 'gRPC answer').toMatch(/^(ok|14 .*)$/);
    const httpAnswer = viaHttp instanceof Error ? viaHttp.message : viaHttp.status;
    expect.soft([200, 503], `HTTP answer: ${httpAnswer}`).toContain(httpAnswer);
    const released = await waitFor(() => t.agent.admission.inFlightBytes === 0, 2000).then(() => 0, () => t.agent.admission.inFlightBytes);
    expect.soft(released, 'in-flight bytes still held 2 s later').toBe(0);
    await sleep(400);
    await expectGrpcStillWorks(t, client);
  }, 15_000);
});
