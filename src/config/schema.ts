import { decodeSection } from './decode.js';
import type { BytesField, DurationField, FieldFor } from './field.js';
import type { ConfigProblem } from './problem.js';
import { exporterEntryDefaults } from './exporter-defaults.js';
import { exporterSchema } from './exporter-schema.js';
import { processorsField } from './processors-schema.js';
import { aggregationField, rollupsSchema } from './tiers-schema.js';
import type { AuthConfig, Config, HostScraperName, TlsServerConfig } from './types.js';

// Every size in the config bounds a buffer, where 0 would refuse all traffic.
const size: BytesField = { kind: 'bytes', positive: true };
const duration: DurationField = { kind: 'duration' };
/** 0 turns a limit off. */
const limit = { kind: 'int', min: 0 } as const;
const tls: FieldFor<TlsServerConfig> = {
  kind: 'section',
  fields: { cert_file: { kind: 'string' }, key_file: { kind: 'string' }, client_ca_file: { kind: 'string' }, min_version: { kind: 'enum', values: ['1.2', '1.3'] } },
};
const authFields: FieldFor<AuthConfig>['fields'] = { bearer_tokens: { kind: 'list', secret: true }, bearer_token_files: { kind: 'list' } };
const HOST_SCRAPERS: readonly HostScraperName[] = ['cpu', 'memory', 'load', 'disk', 'filesystem', 'network', 'paging', 'processes', 'uptime'];

/** Every configuration key and what it accepts; defaults live in defaults.ts. */
export const configSchema: FieldFor<Config> = {
  kind: 'section',
  fields: {
    receivers: {
      kind: 'section',
      fields: {
        otlp: {
          kind: 'section',
          fields: {
            grpc: {
              kind: 'section',
              fields: { enabled: { kind: 'bool' }, endpoint: { kind: 'endpoint' }, max_recv_msg_bytes: size, tls, auth: { kind: 'section', fields: authFields } },
            },
            http: {
              kind: 'section',
              fields: { enabled: { kind: 'bool' }, endpoint: { kind: 'endpoint' }, max_request_bytes: size, tls, auth: { kind: 'section', fields: authFields } },
            },
          },
        },
      },
    },
    limits: {
      kind: 'section',
      fields: {
        max_inflight_bytes: size,
        retry_after: duration,
        max_attribute_bytes: size,
        max_attributes: { kind: 'int', min: 1 },
        max_buckets_per_point: { kind: 'int', min: 1, max: 1_000_000 },
        max_new_series_per_request: { kind: 'int', min: 1 },
        max_series: limit,
        max_series_per_metric: limit,
        max_new_series_per_minute: limit,
        max_labels_per_series: limit,
        max_label_name_length: limit,
        max_label_value_length: limit,
        label_value_overflow: { kind: 'enum', values: ['reject', 'truncate'] },
        max_connections_per_peer: limit,
        max_inflight_requests_per_peer: limit,
        min_body_rate: { kind: 'bytes' },
        body_grace: duration,
        body_timeout: { kind: 'duration', min: 1000 },
      },
    },
    processors: processorsField,
    workers: { kind: 'section', fields: { threads: { kind: 'int', min: 0, max: 256 }, idle_timeout: duration } },
    store: {
      kind: 'section',
      fields: {
        enabled: { kind: 'bool' },
        path: { kind: 'path' },
        max_disk_bytes: size,
        max_age: { kind: 'duration', long: true },
        datafile_bytes: size,
        page_points: { kind: 'int', min: 16, max: 65536 },
        page_max_age: duration,
        checkpoint_interval: duration,
        wal: {
          kind: 'section',
          fields: {
            segment_bytes: size,
            fsync: { kind: 'enum', values: ['interval', 'always', 'never'] },
            fsync_interval: duration,
          },
        },
      },
    },
    rollups: rollupsSchema,
    aggregation: aggregationField,
    host: {
      kind: 'section',
      fields: {
        enabled: { kind: 'bool' },
        interval: { kind: 'duration', min: 1000 },
        scrapers: { kind: 'list', values: HOST_SCRAPERS },
        root_path: { kind: 'path' },
        filesystem: {
          kind: 'section',
          fields: { exclude_types: { kind: 'list' }, exclude_mountpoints: { kind: 'list', absolutePaths: true } },
        },
        process: { kind: 'section', fields: { enabled: { kind: 'bool' }, top: { kind: 'int', min: 1, max: 1000 } } },
      },
    },
    telemetry: { kind: 'section', fields: { store: { kind: 'bool' }, interval: { kind: 'duration', min: 1000 } } },
    api: {
      kind: 'section',
      fields: {
        enabled: { kind: 'bool' },
        endpoint: { kind: 'endpoint' },
        tls,
        auth: { kind: 'section', fields: { ...authFields, open_paths: { kind: 'list', absolutePaths: true } } },
        enable_lifecycle: { kind: 'bool' },
      },
    },
    query: {
      kind: 'section',
      fields: {
        max_samples: { kind: 'int', min: 1 },
        timeout: { kind: 'duration', min: 1 },
        max_concurrency: { kind: 'int', min: 1, max: 1000 },
      },
    },
    exporters: {
      kind: 'map',
      // The name becomes the cursor's name and a metric label.
      names: /^[A-Za-z0-9_-]{1,64}$/,
      namesExpected: 'of 1-64 letters, digits, _ or -',
      entry: exporterSchema(),
      entryDefaults: exporterEntryDefaults,
    },
    log: { kind: 'section', fields: { level: { kind: 'enum', values: ['debug', 'info', 'warn', 'error'] } } },
    shutdown: { kind: 'section', fields: { timeout: duration } },
  },
};

export type DecodeResult = { readonly config: Config } | { readonly problems: readonly ConfigProblem[] };

/** Decodes parsed YAML into a Config, filling gaps from `base` (none: every key required). */
export function decodeConfig(raw: unknown, base: Config | undefined): DecodeResult {
  const problems: ConfigProblem[] = [];
  const decoded = decodeSection(configSchema, raw, base, '', problems);
  // Sound because configSchema is checked against Config (see FieldFor) and
  // decodeSection resolves every schema key when it reports no problem.
  return problems.length > 0 ? { problems } : { config: decoded as unknown as Config };
}
