import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Batch } from '../../src/model/index.js';
import { DelegatingStore } from '../support/delegating-store.js';
import type { HistogramSample } from '../../src/telemetry/index.js';
import type { TestAgent } from '../support/agent.js';
import { startTestAgent, waitFor } from '../support/agent.js';
import { expectGrpcOk, RawExportClient } from '../support/grpc-client.js';
import { postMetrics } from '../support/http-client.js';
import { fatProto, gaugeProto, goodRequest } from '../support/payloads.js';

// The receivers' request metrics on a real agent: a duration per request, labelled with how it
// ended, and the points refused after they were decoded.

/** A store that can be told to hold appends for a while or to fail them. */
class ControlledStore extends DelegatingStore {
  holdMs = 0;
  failing = false;

  override async append(batch: Batch): Promise<void> {
    if (this.holdMs > 0) await new Promise((r) => setTimeout(r, this.holdMs));
    if (this.failing) throw new Error('the disk is on fire');
    await this.inner.append(batch);
  }
}

const BUDGET = 64 * 1024;
const DURATION = 'cairn_receiver_request_duration_seconds';

let t: TestAgent;
let store: ControlledStore;
let client: RawExportClient;

beforeAll(async () => {
  t = await startTestAgent({
    config: { limits: { max_inflight_bytes: BUDGET }, shutdown: { timeout: '2s' } },
    wrapStore: (memory) => (store = new ControlledStore(memory)),
  });
  client = new RawExportClient(t.grpcAddress);
});
afterAll(async () => {
  client?.close();
  await t?.close();
});

const requests = (receiver: string, outcome: string): number => t.agent.registry.value(DURATION, { receiver, outcome });

/** Runs `act` and returns how many requests of `receiver` ended with each outcome meanwhile. */
async function outcomesOf(receiver: string, act: () => Promise<unknown>): Promise<Record<string, number>> {
  const outcomes = ['ok', 'partial', 'refused', 'invalid', 'error', 'aborted'];
  const before = outcomes.map((o) => requests(receiver, o));
  await act();
  const out: Record<string, number> = {};
  outcomes.forEach((o, i) => {
    const n = requests(receiver, o) - before[i]!;
    if (n !== 0) out[o] = n;
  });
  return out;
}

/** Two points, one of them rejected (a metric without a name): answered with partial_success. */
const partialRequest = (): Buffer =>
  gaugeProto([
    { name: `partial_${process.pid}`, points: [{ value: 1 }] },
    { name: '', points: [{ value: 2 }] },
  ]);

describe('cairn_receiver_request_duration_seconds', () => {
  it('gRPC: one observation per call, labelled ok, partial, invalid or refused', async () => {
    expect(await outcomesOf('otlp_grpc', async () => expectGrpcOk(await client.export(goodRequest('dur').proto)))).toEqual({ ok: 1 });
    expect(await outcomesOf('otlp_grpc', async () => expect(expectGrpcOk(await client.export(partialRequest())).rejected).toBe(1))).toEqual({ partial: 1 });
    expect(await outcomesOf('otlp_grpc', () => client.export(Buffer.from([0xff, 0xff, 0xff])))).toEqual({ invalid: 1 });
    store.failing = true;
    try {
      expect(await outcomesOf('otlp_grpc', () => client.export(goodRequest('dur').proto))).toEqual({ refused: 1 });
    } finally {
      store.failing = false;
    }
  });

  it('HTTP: one observation per request, labelled ok, partial, invalid or refused', async () => {
    expect(await outcomesOf('otlp_http', async () => expect((await postMetrics(t.httpUrl, goodRequest('dur').proto)).status).toBe(200))).toEqual({ ok: 1 });
    expect(await outcomesOf('otlp_http', () => postMetrics(t.httpUrl, partialRequest()))).toEqual({ partial: 1 });
    expect(await outcomesOf('otlp_http', () => postMetrics(t.httpUrl, Buffer.from('{'), { contentType: 'application/json' }))).toEqual({ invalid: 1 });
    expect(await outcomesOf('otlp_http', () => postMetrics(`${t.httpBase}/v1/traces`, goodRequest('dur').proto))).toEqual({ invalid: 1 });
    store.failing = true;
    try {
      expect(await outcomesOf('otlp_http', async () => expect((await postMetrics(t.httpUrl, goodRequest('dur').proto)).status).toBe(503))).toEqual({ refused: 1 });
    } finally {
      store.failing = false;
    }
  });

  it('measures from the request to its answer', async () => {
    const sumOf = (receiver: string): number =>
      t.agent.registry
        .collect()
        .filter((s): s is HistogramSample => s.name === DURATION && s.labels['receiver'] === receiver && s.labels['outcome'] === 'ok')
        .reduce((n, s) => n + s.sum, 0);
    store.holdMs = 300;
    try {
      for (const [receiver, send] of [
        ['otlp_grpc', () => client.export(goodRequest('slow').proto)],
        ['otlp_http', () => postMetrics(t.httpUrl, goodRequest('slow').proto)],
      ] as const) {
        const before = sumOf(receiver);
        await send();
        expect(sumOf(receiver) - before, receiver).toBeGreaterThanOrEqual(0.29);
        expect(sumOf(receiver) - before, receiver).toBeLessThan(10);
      }
    } finally {
      store.holdMs = 0;
    }
  });

  it('gRPC calls refused at their headers are observed as refused too', async () => {
    store.holdMs = 500;
    try {
      await waitFor(() => t.agent.admission.inFlightBytes === 0, 5000, 'an idle budget');
      const hog = postMetrics(t.httpUrl, fatProto(BUDGET + 1024, 'hog'));
      await waitFor(() => t.agent.admission.full, 2000, 'the hog to fill the budget');
      const refusedAtHeaders = t.agent.registry.value('cairn_receiver_refused_requests_total', { receiver: 'otlp_grpc', reason: 'inflight_bytes' });
      expect(await outcomesOf('otlp_grpc', () => client.export(goodRequest('gated').proto))).toEqual({ refused: 1 });
      expect(t.agent.registry.value('cairn_receiver_refused_requests_total', { receiver: 'otlp_grpc', reason: 'inflight_bytes' })).toBe(refusedAtHeaders + 1);
      expect((await hog).status).toBe(200);
    } finally {
      store.holdMs = 0;
    }
  });
});

describe('cairn_receiver_refused_points_total', () => {
  it('counts the points of decoded requests the store could not take, per receiver, beside the refused requests', async () => {
    const points = (receiver: string): number => t.agent.registry.value('cairn_receiver_refused_points_total', { receiver, reason: 'store' });
    const reqs = (receiver: string): number => t.agent.registry.value('cairn_receiver_refused_requests_total', { receiver, reason: 'store' });
    const before = { grpcPoints: points('otlp_grpc'), httpPoints: points('otlp_http'), grpcReqs: reqs('otlp_grpc') };
    const three = gaugeProto({ name: `refused_${process.pid}`, points: [{ value: 1, attributes: { a: '1' } }, { value: 2, attributes: { a: '2' } }, { value: 3, attributes: { a: '3' } }] });
    store.failing = true;
    try {
      await client.export(three);
      await postMetrics(t.httpUrl, three);
    } finally {
      store.failing = false;
    }
    expect(points('otlp_grpc') - before.grpcPoints).toBe(3);
    expect(points('otlp_http') - before.httpPoints).toBe(3);
    expect(reqs('otlp_grpc') - before.grpcReqs).toBe(1);
  });
});
