import { parse } from 'yaml';
import { decodeSection } from './decode.js';
import { exporterSchema } from './exporter-schema.js';
import type { SectionField } from './field.js';
import type { ConfigProblem } from './problem.js';

/**
 * What an exporter entry gets for the keys it leaves out (`kind` and `endpoints` have no
 * default). Shown, commented, in the default configuration file.
 */
export const EXPORTER_DEFAULTS_YAML = `\
# kind: prometheus_remote_write   # or otlp_grpc, otlp_http (required)
# endpoints: ["http://prom-a:9090/api/v1/write", "http://prom-b:9090/api/v1/write"]   # by priority (required)
# Remote write protocol 1, or 2 (falls back to 1, per endpoint, when the
# receiver does not acknowledge 2.0).
protocol_version: 1
# otlp_http only: protobuf or json.
encoding: protobuf
# OTLP only: gzip or none (remote write is always snappy).
compression: gzip
# Sent with every request, e.g. { Authorization: "Bearer \${TOKEN}" }.
headers: {}
# Sent as "authorization: Bearer <token>" (gRPC metadata for otlp_grpc), from
# the config (\${ENV} works) or a file (its first line that is not a comment,
# re-read on reload and when the file changes). Never logged.
bearer_token: ""
bearer_token_file: ""
# For https:// endpoints (otlp_grpc: https://host:port). Certificate files are
# re-read on reload and when they change on disk.
tls:
  # CAs the upstream's certificate must chain to ("" = the system's CAs).
  ca_file: ""
  # Client certificate and key for mTLS (both or neither).
  cert_file: ""
  key_file: ""
  # Accept any upstream certificate (no chain or name check). Testing only.
  insecure_skip_verify: false
  min_version: "1.2"
  # The name the upstream's certificate must carry ("" = the endpoint's host).
  server_name: ""
# Longest a single request may take.
timeout: 30s
# Points per request (a request never exceeds max_request_bytes either).
max_batch_points: 2000
max_request_bytes: 20MiB
# Requests in flight, one per shard of series. 1 keeps every series in order
# (the only safe choice for Prometheus, which refuses out-of-order samples).
shards: 1
retry:
  # Exponential backoff with full jitter between these bounds; a Retry-After
  # header or gRPC RetryInfo from the upstream takes precedence.
  initial: 1s
  max: 60s
  # While the upstream refuses our credentials (401/403) the data is kept and
  # retried this often.
  auth_interval: 1m
  # A one-point slice still failing with a server error after this many
  # attempts (while the upstream accepts other data) is parked: dropped and counted.
  park_after: 5
# Consecutive retryable failures before traffic moves to the next endpoint.
failover_after: 3
# How often a higher-priority endpoint is probed with real traffic after a failover.
failback_interval: 1m
# Points per second while a backlog drains; 0 = as fast as the upstream takes it.
catch_up_rate: 0
# Deliver live data first and the backlog behind it (upstreams that accept
# out-of-order samples only).
fresh_first: false
# Skip (and count) backlog older than this; 0 = deliver everything the WAL holds.
max_age: 0
# Remote write only: when the WAL lost a span this exporter had not sent (its
# share of the disk budget ran out), re-send that span's samples from the
# store's pages instead of only counting it.
pages_backfill: true
`;

/** The decoded entry defaults (every key but `kind` and `endpoints`). */
export function exporterEntryDefaults(): Record<string, unknown> {
  cached ??= decodeDefaults();
  return cached;
}

let cached: Record<string, unknown> | undefined;

function decodeDefaults(): Record<string, unknown> {
  const schema = exporterSchema();
  const { kind: _kind, endpoints: _endpoints, ...rest } = schema.fields;
  const problems: ConfigProblem[] = [];
  const section: SectionField = { kind: 'section', fields: rest };
  const decoded = decodeSection(section, parse(EXPORTER_DEFAULTS_YAML), undefined, 'exporters.<name>', problems);
  // Only reachable through an edit to this file; the config tests load it on every run.
  if (problems.length > 0) throw new Error(`built-in exporter defaults are invalid: ${JSON.stringify(problems)}`);
  return decoded;
}
