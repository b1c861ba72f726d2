// Upstream answers read as the OTLP and remote write specs say.
import { describe, expect, it } from 'vitest';
import root from '../../src/generated/otlp.js';
import { partialSuccess, retryInfoDelayMs } from '../../src/exporters/otlp/otlp-response.js';
import { classifyGrpc } from '../../src/exporters/transport/classify-grpc.js';
import { classifyHttp } from '../../src/exporters/transport/classify-http.js';
import { retryAfterMs } from '../../src/exporters/transport/retry-after.js';

const answer = (status: number, body = '', headers: Record<string, string> = {}) => ({ status, headers, body: Buffer.from(body) });
const http = (status: number, body = '', headers: Record<string, string> = {}, prometheusOrder = false) => {
  const o = classifyHttp(answer(status, body, headers), { prometheusOrder });
  return o.status === 'ok' ? 'ok' : o.status === 'permanent' ? `drop:${o.reason}${o.split ? `/split-${o.split}` : ''}` : `retry:${o.failure}:${o.retryAfterMs}`;
};

describe('HTTP answers', () => {
  it('classifies each status class', () => {
    expect([200, 204].map((s) => http(s))).toEqual(['ok', 'ok']);
    expect(http(429, '', { 'retry-after': '7' })).toBe('retry:throttled:7000');
    expect([502, 503, 504].map((s) => http(s))).toEqual(['retry:unavailable:0', 'retry:unavailable:0', 'retry:unavailable:0']);
    expect([401, 403].map((s) => http(s))).toEqual(['retry:auth:0', 'retry:auth:0']);
    expect(http(413)).toBe('drop:too_large/split-points');
    expect([500, 507].map((s) => http(s))).toEqual(['retry:server_error:0', 'retry:server_error:0']);
    expect([400, 404, 408, 415].map((s) => http(s))).toEqual(['drop:rejected', 'drop:rejected', 'drop:rejected', 'drop:rejected']);
  });

  it('splits by series on Prometheus out-of-order refusals only for remote write', () => {
    expect(http(400, 'out of order sample', {}, true)).toBe('drop:out_of_order/split-series');
    expect(http(400, 'duplicate sample for timestamp', {}, true)).toBe('drop:out_of_order/split-series');
    expect(http(400, 'out of order sample', {}, false)).toBe('drop:rejected');
    expect(http(400, 'invalid label', {}, true)).toBe('drop:rejected');
  });

  it('reads Retry-After as seconds or a date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(new Date(10_000 + 5000).toUTCString(), 10_000)).toBe(5000);
    expect(retryAfterMs('soon')).toBe(0);
    expect(retryAfterMs(undefined)).toBe(0);
  });
});

describe('gRPC answers', () => {
  const grpc = (code: number, details = '', delay = 0) => {
    const o = classifyGrpc(code, details, delay);
    return o.status === 'permanent' ? `drop:${o.reason}` : o.status === 'ok' ? 'ok' : `retry:${o.failure}:${o.retryAfterMs}`;
  };

  it('retries exactly the codes the OTLP spec lists, RESOURCE_EXHAUSTED only with RetryInfo', () => {
    expect(grpc(14, 'upstream busy')).toBe('retry:unavailable:0');
    expect(grpc(14, 'No connection established. Last error: connect ECONNREFUSED')).toBe('retry:network:0');
    expect([1, 10, 11, 15].map((c) => grpc(c))).toEqual(['retry:unavailable:0', 'retry:unavailable:0', 'retry:unavailable:0', 'retry:unavailable:0']);
    expect(grpc(4)).toBe('retry:timeout:0');
    expect(grpc(8, 'slow down', 2500)).toBe('retry:throttled:2500');
    expect(grpc(8, 'too big')).toBe('drop:rejected');
    expect([16, 7].map((c) => grpc(c))).toEqual(['retry:auth:0', 'retry:auth:0']);
    expect([2, 3, 5, 12, 13].map((c) => grpc(c))).toEqual(Array(5).fill('drop:rejected'));
  });

  it('reads the delay of a google.rpc.RetryInfo inside grpc-status-details-bin', () => {
    const { Status, RetryInfo } = root.google.rpc;
    const info = RetryInfo.encode({ retryDelay: { seconds: 2, nanos: 500_000_000 } }).finish();
    const status = Buffer.from(Status.encode({ code: 8, message: 'x', details: [{ typeUrl: 'type.googleapis.com/google.rpc.RetryInfo', value: info }] }).finish());
    expect(retryInfoDelayMs(status)).toBe(2500);
    expect(retryInfoDelayMs(Buffer.from([1, 2, 3]))).toBe(0);
  });

  it('reads partial_success from protobuf and JSON responses', () => {
    const { ExportMetricsServiceResponse } = root.opentelemetry.proto.collector.metrics.v1;
    const proto = Buffer.from(ExportMetricsServiceResponse.encode({ partialSuccess: { rejectedDataPoints: 3, errorMessage: 'bad points' } }).finish());
    expect(partialSuccess(proto, false)).toEqual({ rejected: 3, message: 'bad points' });
    expect(partialSuccess(Buffer.from('{"partialSuccess":{"rejectedDataPoints":"4","errorMessage":"e"}}'), true)).toEqual({ rejected: 4, message: 'e' });
    expect(partialSuccess(Buffer.alloc(0), false)).toEqual({ rejected: 0, message: '' });
  });
});
