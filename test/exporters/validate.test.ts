import { describe, expect, it } from 'vitest';
import { validateExporter } from '../../src/exporters/index.js';
import { exporterConfig } from '../support/exporter-harness.js';

const problems = (entry: Record<string, unknown>) => validateExporter('x', exporterConfig(entry)).map((p) => `${p.path}: ${p.expected}`);

describe('exporter validation', () => {
  it('accepts each kind with its endpoint syntax', () => {
    expect(problems({ kind: 'otlp_grpc', endpoints: ['127.0.0.1:4317', 'https://collector:4317'] })).toEqual([]);
    expect(problems({ kind: 'otlp_http', endpoints: ['http://c:4318/v1/metrics'], encoding: 'json' })).toEqual([]);
    expect(problems({ kind: 'prometheus_remote_write', endpoints: ['https://p/api/v1/write'], protocol_version: 2 })).toEqual([]);
  });

  it('names the key path of every problem', () => {
    expect(problems({ kind: 'prometheus_remote_write', endpoints: ['prom:9090'], encoding: 'json' })).toEqual([
      'exporters.x.endpoints[0]: an http:// or https:// URL',
      'exporters.x.encoding: protobuf (only otlp_http sends JSON)',
    ]);
    expect(problems({ kind: 'otlp_grpc', endpoints: [], protocol_version: 2, retry: { initial: '2s', max: '1s' } })).toEqual([
      'exporters.x.endpoints: at least one endpoint',
      'exporters.x.protocol_version: 1 (only prometheus_remote_write speaks 2)',
      'exporters.x.retry.max: at least retry.initial (2000 ms)',
    ]);
    expect(problems({ kind: 'otlp_http', endpoints: ['http://c/v1/metrics'], fresh_first: true, headers: { 'bad header': 'v' } })).toEqual(['exporters.x.headers.bad header: an HTTP header name']);
  });

  it('takes tls settings only with https endpoints, a client certificate with its key, and one token source', () => {
    expect(problems({ kind: 'otlp_grpc', endpoints: ['https://c:4317'], tls: { ca_file: '/ca.pem' }, bearer_token: 't' })).toEqual([]);
    expect(problems({ kind: 'otlp_grpc', endpoints: ['c:4317'], tls: { insecure_skip_verify: true } })).toEqual(['exporters.x.endpoints[0]: an https:// endpoint (tls settings apply to TLS endpoints only)']);
    expect(problems({ kind: 'otlp_http', endpoints: ['https://c/v1/metrics'], tls: { cert_file: '/c.pem' }, bearer_token: 't', bearer_token_file: '/t' })).toEqual([
      'exporters.x.tls.key_file: set together with the other (a client certificate and its key)',
      "exporters.x.bearer_token_file: '' when bearer_token is set (one or the other)",
    ]);
  });
});
