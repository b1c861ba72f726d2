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
});
