import type * as http from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TestAgent } from '../support/agent.js';
import { startTestAgent } from '../support/agent.js';
import { GrpcStatus, RawExportClient } from '../support/grpc-client.js';
import { httpRequest, postMetrics, singleSocketAgent } from '../support/http-client.js';
import { decodeStatus, goodRequest, nowNanos, pointsNamed, RpcStatus } from '../support/payloads.js';
import { expectGrpcStillWorks, expectHttpStillWorks, randomBytes } from '../support/still-works.js';

// Malformed payloads and protocol misuse: each gets a precise, permanent error, and the
// agent keeps serving good requests afterwards (on the same connection where possible).

let t: TestAgent;
let grpc: RawExportClient;
let agent: http.Agent;

beforeAll(async () => {
  t = await startTestAgent();
  grpc = new RawExportClient(t.grpcAddress);
});
afterAll(async () => {
  grpc?.close();
  await t?.close();
});
beforeEach(async () => {
  agent?.destroy();
  agent = singleSocketAgent();
  // Open the connection with a good request so "same connection" is checkable afterwards.
  expect((await postMetrics(t.httpUrl, goodRequest('warmup').proto, { agent })).status).toBe(200);
});

const good = goodRequest('base').proto;
const MALFORMED: [string, Buffer, RegExp][] = [
  ['random bytes', randomBytes(12345, 512), /^invalid protobuf at byte \d+: length \d+ runs past the end of its message$/],
  ['other random bytes', randomBytes(99, 512), /^invalid protobuf at byte \d+: .*wire type/],
  ['truncated protobuf', good.subarray(0, good.length - 5), /^invalid protobuf at byte \d+: .*(runs past the end|truncated)/],
  ['wrong wire type (top level)', Buffer.from([0x08, 0x01]), /ExportMetricsServiceRequest\.resource_metrics: wire type varint, expected length-delimited/],
  ['wrong wire type (nested)', Buffer.from([0x0a, 0x02, 0x10, 0x01]), /ResourceMetrics\.scope_metrics: wire type varint, expected length-delimited/],
  ['field number 0', Buffer.from([0x00, 0x00]), /field number 0/],
];

describe.each(MALFORMED)('%s', (_label, body, message) => {
  it('gRPC: INVALID_ARGUMENT with a google.rpc.Status saying what is wrong; the channel keeps working', async () => {
    const r = await grpc.export(body);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(r.details).toMatch(message);
    const status = RpcStatus.decode(r.statusBin!);
    expect(status.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(status.message).toBe(r.details);
    expect(r.retryAfterMs).toBeUndefined();
    await expectGrpcStillWorks(t, grpc);
  });

  it('HTTP protobuf: 400 with a protobuf Status; the connection keeps working', async () => {
    const r = await postMetrics(t.httpUrl, body, { agent });
    expect(r.status).toBe(400);
    expect(r.contentType).toBe('application/x-protobuf');
    expect(r.reusedSocket).toBe(true);
    const status = decodeStatus(r.body, r.contentType);
    expect(status.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(status.message).toMatch(message);
    await expectHttpStillWorks(t, agent, true);
  });

  it('HTTP protobuf, gzip-encoded: 400 with the same message', async () => {
    const r = await postMetrics(t.httpUrl, gzipSync(body), { agent, encoding: 'gzip' });
    expect(r.status).toBe(400);
    expect(decodeStatus(r.body, r.contentType).message).toMatch(message);
    await expectHttpStillWorks(t, agent, true);
  });
});

describe('JSON', () => {
  const json = (text: string): Promise<Awaited<ReturnType<typeof postMetrics>>> =>
    postMetrics(t.httpUrl, Buffer.from(text), { agent, contentType: 'application/json' });

  it.each([
    ['truncated JSON', '{"resourceMetrics": [', /^invalid JSON: /],
    ['not JSON at all', 'resourceMetrics=1', /^invalid JSON: /],
    ['a JSON array', '[]', /not a JSON object/],
    ['a wrong type', '{"resourceMetrics": 5}', /resourceMetrics.*an array/],
    ['a bad int64', JSON.stringify({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'x', gauge: { dataPoints: [{ timeUnixNano: '12abc', asDouble: 1 }] } }] }] }] }), /timeUnixNano/],
  ])('%s: 400 with a JSON Status naming the problem', async (_label, text, message) => {
    const r = await json(text);
    expect(r.status).toBe(400);
    expect(r.contentType).toBe('application/json');
    const status = decodeStatus(r.body, r.contentType);
    expect(status.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(status.message).toMatch(message);
    await expectHttpStillWorks(t, agent, true, 'json');
  });

  it.each([
    ['strings', (n: bigint) => n.toString()],
    ['numbers', (n: bigint) => Number(n)],
  ])('accepts int64 fields as %s', async (label, enc) => {
    const time = BigInt(nowNanos());
    const name = `json_int64_${label}`;
    const body = {
      resourceMetrics: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'json-test' } }, { key: 'pid', value: { intValue: enc(1234n) } }] },
          scopeMetrics: [
            {
              scope: { name: 'json-scope' },
              metrics: [
                {
                  name,
                  sum: {
                    aggregationTemporality: 2,
                    isMonotonic: true,
                    dataPoints: [{ startTimeUnixNano: enc(time - 10_000_000_000n), timeUnixNano: enc(time), asInt: enc(9_007_199_254_740_000n) }],
                  },
                },
                { name: `${name}_hist`, histogram: { aggregationTemporality: 'AGGREGATION_TEMPORALITY_DELTA', dataPoints: [{ timeUnixNano: enc(time), count: enc(3n), sum: 6, bucketCounts: [enc(1n), enc(2n)], explicitBounds: [1.5] }] } },
              ],
            },
          ],
        },
      ],
    };
    const r = await json(JSON.stringify(body));
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body.toString())).toEqual({});
    const [sum] = pointsNamed(t.memory, name);
    expect(sum).toBeDefined();
    expect(sum!.value).toBe(9_007_199_254_740_000);
    expect(Object.fromEntries(sum!.series.resource)).toEqual({ 'service.name': 'json-test', pid: '1234' });
    // Milliseconds from nanoseconds; numbers above 2^53 lose a little precision on the way.
    expect(Math.abs(sum!.timeMs - Number(time / 1_000_000n))).toBeLessThanOrEqual(1);
    expect(Math.abs(sum!.timeMs - sum!.startMs - 10_000)).toBeLessThanOrEqual(1);
    const [hist] = pointsNamed(t.memory, `${name}_hist`);
    expect(hist!.series.temporality).toBe('delta');
    expect(hist!.extra).toEqual([3, 6, NaN, NaN, 2, 1.5, 1, 2]);
  });
});

describe('HTTP protocol errors', () => {
  it('wrong Content-Type: 415 with a JSON Status', async () => {
    const r = await postMetrics(t.httpUrl, good, { agent, contentType: 'text/plain' });
    expect(r.status).toBe(415);
    expect(r.contentType).toBe('application/json');
    expect(decodeStatus(r.body, r.contentType).message).toMatch(/unsupported Content-Type "text\/plain"/);
    await expectHttpStillWorks(t, agent, true);
  });

  it('missing Content-Type: 415', async () => {
    const r = await httpRequest(t.httpUrl, { body: good, agent });
    expect(r.status).toBe(415);
    await expectHttpStillWorks(t, agent, true);
  });

  it.each(['GET', 'PUT', 'DELETE'])('%s: 405 with Allow: POST', async (method) => {
    const r = await httpRequest(t.httpUrl, { method, agent, headers: { 'content-type': 'application/x-protobuf' } });
    expect(r.status).toBe(405);
    expect(r.headers['allow']).toBe('POST');
    expect(decodeStatus(r.body, r.contentType).message).toMatch(new RegExp(`method ${method} is not allowed`));
    await expectHttpStillWorks(t, agent, true);
  });

  it.each(['/v1/traces', '/', '/v1/metrics/extra'])('POST %s: 404', async (path) => {
    const r = await postMetrics(`${t.httpBase}${path}`, good, { agent, contentType: 'application/json' });
    expect(r.status).toBe(404);
    expect(decodeStatus(r.body, r.contentType).message).toMatch(/no such path/);
    await expectHttpStillWorks(t, agent, true);
  });

  it('unsupported Content-Encoding: 415 in the request format', async () => {
    const r = await postMetrics(t.httpUrl, good, { agent, encoding: 'br' });
    expect(r.status).toBe(415);
    expect(r.contentType).toBe('application/x-protobuf');
    expect(decodeStatus(r.body, r.contentType).message).toMatch(/unsupported Content-Encoding "br"/);
    await expectHttpStillWorks(t, agent, true);
  });

  it('a body that is not gzip under Content-Encoding: gzip: 400', async () => {
    const r = await postMetrics(t.httpUrl, good, { agent, encoding: 'gzip' });
    expect(r.status).toBe(400);
    expect(decodeStatus(r.body, r.contentType).message).toMatch(/invalid gzip body/);
    await expectHttpStillWorks(t, agent, true);
  });

  it('a query string does not change the path', async () => {
    const r = await postMetrics(`${t.httpUrl}?x=1`, goodRequest('query').proto, { agent });
    expect(r.status).toBe(200);
  });
});
