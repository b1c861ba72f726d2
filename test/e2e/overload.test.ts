import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestAgent } from '../support/agent.js';
import { startTestAgent, waitFor } from '../support/agent.js';
import { GrpcStatus, RawExportClient } from '../support/grpc-client.js';
import { postMetrics } from '../support/http-client.js';
import { cliConfigYaml, rssBytes, spawnCairn, tempDir } from '../support/cli.js';
import { pushLoad, sampleMax } from '../support/load.js';
import { decodeStatus, fatProto, retryDelayMs, RpcStatus } from '../support/payloads.js';
import { SlowStore } from '../support/slow-store.js';

// An agent whose store is slow and whose in-flight budget is tiny: clients are told to come
// back later (retryable answers with a delay), and the budget holds.

const BUDGET = 256 * 1024;
const REQUEST = 32 * 1024;
const RETRY_AFTER_MS = 2000;

let t: TestAgent;
let slow: SlowStore;

beforeAll(async () => {
  t = await startTestAgent({
    config: { limits: { max_inflight_bytes: BUDGET, retry_after: `${RETRY_AFTER_MS}ms` }, shutdown: { timeout: '2s' } },
    wrapStore: (memory) => (slow = new SlowStore(memory, 200)),
  });
});
afterAll(async () => {
  await t?.close();
});

/** Holds the budget: one request bigger than all of it, admitted because nothing else is in flight. */
async function occupyBudget(): Promise<{ hog: Promise<{ status: number }> }> {
  await waitFor(() => t.agent.admission.inFlightBytes === 0, 5000, 'an idle budget');
  const hog = postMetrics(t.httpUrl, fatProto(BUDGET + 1024, 'hog'));
  await waitFor(() => t.agent.admission.inFlightBytes > 0, 2000, 'the hog to be admitted');
  return { hog }; // wrapped: an async function returning a promise would wait for it
}

describe('a single request over a full budget', () => {
  it('gRPC: UNAVAILABLE with a RetryInfo in grpc-status-details-bin', async () => {
    const { hog } = await occupyBudget();
    const client = new RawExportClient(t.grpcAddress);
    const r = await client.export(fatProto(REQUEST, 'refused_grpc'));
    client.close();
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.code).toBe(GrpcStatus.UNAVAILABLE);
    expect(r.details).toMatch(`over its in-flight budget of ${BUDGET} bytes`);
    const status = RpcStatus.decode(r.statusBin!);
    expect(status.code).toBe(GrpcStatus.UNAVAILABLE);
    expect(status.details).toHaveLength(1);
    expect(status.details[0]!.typeUrl).toBe('type.googleapis.com/google.rpc.RetryInfo');
    expect(retryDelayMs(r.statusBin!)).toBe(RETRY_AFTER_MS);
    expect((await hog).status).toBe(200);
  });

  it.each([
    ['application/x-protobuf', fatProto(REQUEST, 'refused_http')],
    ['application/json', Buffer.from('{"resourceMetrics":[]}')],
  ])('HTTP %s: 429 with Retry-After and a Status carrying RetryInfo', async (contentType, body) => {
    const { hog } = await occupyBudget();
    const filler = contentType === 'application/json' ? Buffer.alloc(REQUEST, ' ') : Buffer.alloc(0);
    const r = await postMetrics(t.httpUrl, Buffer.concat([body, filler]), { contentType });
    expect(r.status).toBe(429);
    expect(r.headers['retry-after']).toBe(String(RETRY_AFTER_MS / 1000));
    expect(r.contentType).toBe(contentType);
    const status = decodeStatus(r.body, r.contentType);
    expect(status.code).toBe(GrpcStatus.UNAVAILABLE);
    expect(status.message).toMatch('in-flight budget');
    if (contentType === 'application/json') {
      expect(status.details).toEqual([{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '2s' }]);
    } else {
      expect(retryDelayMs(r.body)).toBe(RETRY_AFTER_MS);
    }
    expect((await hog).status).toBe(200);
  });
});

describe('many concurrent clients', () => {
  it('some are refused with retryable answers, never RESOURCE_EXHAUSTED, and the budget holds', async () => {
    const sampler = sampleMax(() => t.agent.admission.inFlightBytes);
    const bodies = [0, 1, 2].map((v) => fatProto(REQUEST, 'load', v));
    const tally = await pushLoad({
      grpcAddress: t.grpcAddress,
      httpUrl: t.httpUrl,
      grpcClients: 6,
      httpClients: 6,
      depth: 3,
      durationMs: 4000,
      body: (c, i) => bodies[(c + i) % 3]!,
      until: (x) => x.grpcOk >= 5 && x.httpOk >= 5 && (x.grpcCodes[14] ?? 0) >= 5 && (x.httpStatuses[429] ?? 0) >= 5,
    });
    const { max, samples } = sampler.stop();
    expect(tally.grpcCodes[GrpcStatus.RESOURCE_EXHAUSTED]).toBeUndefined();
    expect(Object.keys(tally.grpcCodes)).toEqual([String(GrpcStatus.UNAVAILABLE)]);
    expect(tally.grpcOk).toBeGreaterThanOrEqual(5);
    expect(tally.grpcRetryDelays).toEqual(new Set([RETRY_AFTER_MS]));
    expect(Object.keys(tally.httpStatuses).sort()).toEqual(['200', '429']);
    expect(tally.httpOk).toBeGreaterThanOrEqual(5);
    expect(tally.httpRetryAfter).toEqual(new Set(['2']));
    expect(tally.http429BodyCodes).toEqual(new Set([GrpcStatus.UNAVAILABLE]));
    expect(tally.errors).toEqual({});

    const reg = t.agent.registry;
    expect(reg.value('cairn_receiver_refused_requests_total')).toBeGreaterThan(0);
    expect(reg.value('cairn_receiver_refused_requests_total', { receiver: 'otlp_grpc', reason: 'inflight_bytes' })).toBeGreaterThanOrEqual(5);
    expect(reg.value('cairn_receiver_refused_requests_total', { receiver: 'otlp_http', reason: 'inflight_bytes' })).toBeGreaterThanOrEqual(5);

    expect(samples).toBeGreaterThan(50);
    expect(max).toBeGreaterThan(0);
    expect(max).toBeLessThanOrEqual(BUDGET + REQUEST + 1024);
    expect(slow.maxPending).toBeGreaterThan(1);
    await waitFor(() => t.agent.admission.inFlightBytes === 0, 5000, 'the budget to drain');
  });

  // Gzip bodies are admitted at their compressed size and grown, unchecked, to their
  // decompressed size after decoding, so concurrent compressed requests overshoot the budget.
  it('gzip-encoded requests do not push the in-flight bytes past the budget by more than one request', async () => {
    await waitFor(() => t.agent.admission.inFlightBytes === 0, 5000, 'an idle budget');
    const sampler = sampleMax(() => t.agent.admission.inFlightBytes);
    const plain = fatProto(REQUEST * 4, 'load_gzip');
    const gz = gzipSync(plain);
    expect(gz.length * 20).toBeLessThan(plain.length);
    const tally = await pushLoad({
      grpcAddress: t.grpcAddress,
      httpUrl: t.httpUrl,
      grpcClients: 0,
      httpClients: 8,
      depth: 2,
      durationMs: 1500,
      body: () => gz,
      contentType: 'application/x-protobuf',
      gzipHeader: true,
    });
    const { max } = sampler.stop();
    expect(tally.httpOk).toBeGreaterThan(0);
    expect(max, `peak in-flight bytes ${max} with a budget of ${BUDGET}`).toBeLessThanOrEqual(BUDGET + plain.length);
    await waitFor(() => t.agent.admission.inFlightBytes === 0, 5000, 'the budget to drain');
  });
});

describe('the agent as a child process under sustained overload', () => {
  // Memory boundedness, not speed: ~5 s of 1 MiB requests from 12 clients, 4 at a time each
  // (48 MiB outstanding), against a 1 MiB budget. Measured: ~70 MiB idle, ~180-220 MiB peak;
  // ~340 MiB with the budget effectively off (1 GiB).
  const RSS_BOUND = 300 * 1024 * 1024;

  it('keeps its resident memory bounded and refuses with retryable answers', async () => {
    const dir = tempDir();
    const cairn = spawnCairn(['run', '--config', dir.write('cairn.yaml', cliConfigYaml('limits:\n  max_inflight_bytes: 1MiB\n  retry_after: 100ms\n'))]);
    try {
      const addr = await cairn.listening();
      const idle = rssBytes(cairn.pid)!;
      const rss = sampleMax(() => rssBytes(cairn.pid), 50);
      const bodies = [0, 1, 2, 3].map((v) => fatProto(1024 * 1024, 'rss', v));
      const tally = await pushLoad({
        grpcAddress: addr.grpc,
        httpUrl: `http://${addr.http}/v1/metrics`,
        grpcClients: 6,
        httpClients: 6,
        depth: 4,
        durationMs: 5000,
        body: (c, i) => bodies[(c + i) % 4]!,
      });
      const { max, samples } = rss.stop();
      console.log(`peak RSS ${(max / 2 ** 20).toFixed(0)} MiB, idle ${(idle / 2 ** 20).toFixed(0)} MiB`);
      expect(samples).toBeGreaterThan(20);
      expect(max, `peak RSS ${(max / 2 ** 20).toFixed(0)} MiB (idle ${(idle / 2 ** 20).toFixed(0)} MiB)`).toBeLessThan(RSS_BOUND);
      expect(tally.grpcOk + tally.httpOk).toBeGreaterThan(0);
      expect(Object.keys(tally.grpcCodes)).toEqual([String(GrpcStatus.UNAVAILABLE)]);
      expect(Object.keys(tally.httpStatuses).sort()).toEqual(['200', '429']);
      expect(tally.errors).toEqual({});
      cairn.child.kill('SIGTERM');
      expect(await cairn.exited).toEqual({ code: 0, signal: null });
    } finally {
      await cairn.kill();
      dir.remove();
    }
  }, 30_000);
});
