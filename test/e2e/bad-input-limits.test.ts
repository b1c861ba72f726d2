import type * as http from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TestAgent } from '../support/agent.js';
import { startTestAgent } from '../support/agent.js';
import { expectGrpcOk, GrpcStatus, RawExportClient } from '../support/grpc-client.js';
import { httpRequest, postMetrics, singleSocketAgent } from '../support/http-client.js';
import { decodeStatus, ExportRequest, ExportResponse, gaugeJson, gaugeProto, goodRequest, nowNanos, pointsNamed } from '../support/payloads.js';
import { expectGrpcStillWorks, expectHttpStillWorks } from '../support/still-works.js';

// Size limits, decompression bombs and per-point rejections (partial success).

const MAX = 2 * 1024 * 1024;
const ATTR_LIMIT = 16 * 1024;

let t: TestAgent;
let grpc: RawExportClient;
let grpcGzip: RawExportClient;
let agent: http.Agent;

beforeAll(async () => {
  t = await startTestAgent({
    config: { receivers: { otlp: { grpc: { max_recv_msg_bytes: MAX }, http: { max_request_bytes: MAX } } }, limits: { max_attribute_bytes: ATTR_LIMIT } },
  });
  grpc = new RawExportClient(t.grpcAddress);
  grpcGzip = new RawExportClient(t.grpcAddress, { 'grpc.default_compression_algorithm': 2 });
});
afterAll(async () => {
  grpc?.close();
  grpcGzip?.close();
  await t?.close();
});
beforeEach(() => {
  agent?.destroy();
  agent = singleSocketAgent();
});

/** ~20 KB of gzip that inflates to 20 MiB (ten times the limit). */
const bomb = gzipSync(Buffer.alloc(20 * 1024 * 1024));
const oversize = Buffer.alloc(MAX + 512 * 1024, 0x0a);

describe('decompression bomb', () => {
  it('is small on the wire', () => {
    expect(bomb.length).toBeLessThan(40 * 1024);
    expect(bomb.length).toBeLessThan(MAX);
  });

  it('HTTP: 413 (not a 400 or a hang), then good requests still work', async () => {
    const r = await postMetrics(t.httpUrl, bomb, { agent, encoding: 'gzip' });
    expect(r.status).toBe(413);
    const status = decodeStatus(r.body, r.contentType);
    expect(status.code).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
    expect(status.message).toMatch(`larger than ${MAX} bytes once decompressed`);
    expect(r.headers['retry-after']).toBeUndefined();
    await expectHttpStillWorks(t, agent, true);
    expect(t.agent.admission.inFlightBytes).toBe(0);
  });

  it('HTTP JSON: 413 as well', async () => {
    const r = await postMetrics(t.httpUrl, bomb, { agent, encoding: 'gzip', contentType: 'application/json' });
    expect(r.status).toBe(413);
    expect(decodeStatus(r.body, r.contentType).code).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
    await expectHttpStillWorks(t, agent, true, 'json');
  });

  it('gRPC (grpc-encoding gzip): RESOURCE_EXHAUSTED, then the same channel still works', async () => {
    const ok = expectGrpcOk(await grpcGzip.export(goodRequest('gzip_grpc').proto));
    expect(ok.rejected).toBe(0);
    const r = await grpcGzip.export(Buffer.alloc(20 * 1024 * 1024));
    expect(r.ok ? 'ok' : `${r.code} ${r.details}`).toBe(`${GrpcStatus.RESOURCE_EXHAUSTED} request body is larger than ${MAX} bytes once decompressed`);
    await expectGrpcStillWorks(t, grpcGzip);
  });
});

describe('oversize body', () => {
  it('HTTP with Content-Length: 413 before reading it', async () => {
    const r = await postMetrics(t.httpUrl, oversize, { agent });
    expect(r.status).toBe(413);
    expect(r.headers['connection']).toBe('close');
    const status = decodeStatus(r.body, r.contentType);
    expect(status.code).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
    expect(status.message).toBe(`request body is larger than the limit of ${MAX} bytes`);
    await expectHttpStillWorks(t, agent, false);
    expect(t.agent.admission.inFlightBytes).toBe(0);
  });

  it('HTTP chunked without Content-Length: 413 once past the limit', async () => {
    const chunks = Array.from({ length: Math.ceil(oversize.length / 65536) }, (_, i) => oversize.subarray(i * 65536, (i + 1) * 65536));
    const r = await httpRequest(t.httpUrl, { chunks, agent, headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(413);
    expect(decodeStatus(r.body, r.contentType).message).toMatch(`limit of ${MAX} bytes`);
    await expectHttpStillWorks(t, agent, false);
    expect(t.agent.admission.inFlightBytes).toBe(0);
  });

  it('HTTP chunked under the limit is accepted', async () => {
    const g = goodRequest('chunked');
    const r = await httpRequest(t.httpUrl, { chunks: [g.proto.subarray(0, 10), g.proto.subarray(10)], agent, headers: { 'content-type': 'application/x-protobuf' } });
    expect(r.status).toBe(200);
    expect(pointsNamed(t.memory, g.name)).toHaveLength(1);
  });

  it('gRPC: RESOURCE_EXHAUSTED (permanent, never UNAVAILABLE), then the channel still works', async () => {
    const r = await grpc.export(oversize);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.code).not.toBe(GrpcStatus.UNAVAILABLE);
    expect(r.code).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
    await expectGrpcStillWorks(t, grpc);
  });
});

/** Three points of one gauge; the middle one carries an attribute value of `size` bytes. */
function hugeAttrSpec(name: string, size: number) {
  return { name, points: [{ value: 1, attributes: { k: 'a' } }, { value: 2, attributes: { k: 'x'.repeat(size) } }, { value: 3, attributes: { k: 'c' } }] };
}

describe('an attribute value over max_attribute_bytes (1 MiB, under the request limit)', () => {
  const size = 1024 * 1024;
  const check = (name: string, rejected: number, message: string): void => {
    expect(rejected).toBe(1);
    expect(message).toMatch(`longer than ${ATTR_LIMIT} bytes`);
    expect(pointsNamed(t.memory, name).map((p) => p.value).sort()).toEqual([1, 3]);
  };

  it('gRPC: success with partial_success.rejected_data_points = 1, the other points stored', async () => {
    const r = expectGrpcOk(await grpc.export(gaugeProto(hugeAttrSpec('huge_attr_grpc', size))));
    check('huge_attr_grpc', r.rejected, r.errorMessage);
  });

  it('HTTP protobuf: 200 with partial success', async () => {
    const r = await postMetrics(t.httpUrl, gaugeProto(hugeAttrSpec('huge_attr_http', size)), { agent });
    expect(r.status).toBe(200);
    const body = ExportResponse.toObject(ExportResponse.decode(r.body), { longs: Number }) as { partialSuccess: { rejectedDataPoints: number; errorMessage: string } };
    check('huge_attr_http', body.partialSuccess.rejectedDataPoints, body.partialSuccess.errorMessage);
  });

  it('HTTP JSON: 200 with partial success', async () => {
    const r = await postMetrics(t.httpUrl, gaugeJson(hugeAttrSpec('huge_attr_json', size)), { agent, contentType: 'application/json' });
    expect(r.status).toBe(200);
    const body = JSON.parse(r.body.toString()) as { partialSuccess: { rejectedDataPoints: string; errorMessage: string } };
    check('huge_attr_json', Number(body.partialSuccess.rejectedDataPoints), body.partialSuccess.errorMessage);
  });

  it('exactly at the limit is accepted', async () => {
    const r = expectGrpcOk(await grpc.export(gaugeProto(hugeAttrSpec('attr_at_limit', ATTR_LIMIT))));
    expect(r.rejected).toBe(0);
    expect(pointsNamed(t.memory, 'attr_at_limit')).toHaveLength(3);
  });
});

describe('partial success', () => {
  const mixed = (good: string) =>
    ExportRequest.fromObject({
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: [
                { name: '', gauge: { dataPoints: [{ timeUnixNano: nowNanos(), asDouble: 1 }, { timeUnixNano: nowNanos(), asDouble: 2 }] } },
                { name: good, gauge: { dataPoints: [{ timeUnixNano: nowNanos(), asDouble: 3 }] } },
                { name: `${good}_notime`, gauge: { dataPoints: [{ asDouble: 4 }] } },
                { name: `${good}_temporality`, sum: { aggregationTemporality: 0, dataPoints: [{ timeUnixNano: nowNanos(), asDouble: 5 }] } },
              ],
            },
          ],
        },
      ],
    });

  it('gRPC: rejected points counted with the reasons, the valid point stored', async () => {
    const r = expectGrpcOk(await grpc.export(ExportRequest.encode(mixed('partial_grpc')).finish()));
    expect(r.rejected).toBe(4);
    expect(r.errorMessage).toMatch(/^metric name is empty \(and 2 other reasons\)$/);
    expect(pointsNamed(t.memory, 'partial_grpc').map((p) => p.value)).toEqual([3]);
    expect(pointsNamed(t.memory, 'partial_grpc_notime')).toEqual([]);
    expect(t.agent.registry.value('cairn_receiver_rejected_points_total', { receiver: 'otlp_grpc' })).toBeGreaterThanOrEqual(4);
  });

  it('HTTP JSON: the same, as partialSuccess with rejectedDataPoints as a string', async () => {
    const body = Buffer.from(JSON.stringify(ExportRequest.toObject(mixed('partial_json'), { longs: String })));
    const r = await postMetrics(t.httpUrl, body, { agent, contentType: 'application/json' });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body.toString())).toEqual({ partialSuccess: { rejectedDataPoints: '4', errorMessage: 'metric name is empty (and 2 other reasons)' } });
    expect(pointsNamed(t.memory, 'partial_json').map((p) => p.value)).toEqual([3]);
  });

  it('a fully valid request gets an empty response', async () => {
    const r = expectGrpcOk(await grpc.export(goodRequest('empty_response').proto));
    expect(r.body.length).toBe(0);
  });
});
