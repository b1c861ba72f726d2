import type { FieldFor } from './field.js';
import type { ExporterConfig } from './types.js';

/** The keys of one exporter entry. */
export function exporterSchema(): FieldFor<ExporterConfig> {
  return {
    kind: 'section',
    fields: {
      kind: { kind: 'enum', values: ['otlp_grpc', 'otlp_http', 'prometheus_remote_write'] },
      endpoints: { kind: 'list' },
      protocol_version: { kind: 'int', min: 1, max: 2 },
      encoding: { kind: 'enum', values: ['protobuf', 'json'] },
      compression: { kind: 'enum', values: ['gzip', 'none'] },
      headers: { kind: 'map', entry: { kind: 'string', secret: true } },
      bearer_token: { kind: 'string', secret: true },
      bearer_token_file: { kind: 'string' },
      tls: {
        kind: 'section',
        fields: {
          ca_file: { kind: 'string' },
          cert_file: { kind: 'string' },
          key_file: { kind: 'string' },
          insecure_skip_verify: { kind: 'bool' },
          min_version: { kind: 'enum', values: ['1.2', '1.3'] },
          server_name: { kind: 'string' },
        },
      },
      timeout: { kind: 'duration', min: 1 },
      max_batch_points: { kind: 'int', min: 1, max: 1_000_000 },
      max_request_bytes: { kind: 'bytes', positive: true },
      shards: { kind: 'int', min: 1, max: 64 },
      retry: {
        kind: 'section',
        fields: { initial: { kind: 'duration', min: 1 }, max: { kind: 'duration', min: 1 }, auth_interval: { kind: 'duration', min: 1 }, park_after: { kind: 'int', min: 1, max: 1000 } },
      },
      failover_after: { kind: 'int', min: 1, max: 1000 },
      failback_interval: { kind: 'duration', min: 1 },
      catch_up_rate: { kind: 'int', min: 0 },
      fresh_first: { kind: 'bool' },
      pages_backfill: { kind: 'bool' },
      max_age: { kind: 'duration', long: true },
    },
  };
}
