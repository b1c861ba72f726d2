import type { AggregationRuleConfig, RollupsConfig } from './tiers-types.js';

export type { AggregationRuleConfig, RollupsConfig, RollupTierConfig } from './tiers-types.js';

/** The agent's resolved configuration: every field present, sizes in bytes, durations in ms. */
export interface Config {
  readonly receivers: {
    readonly otlp: {
      readonly grpc: { readonly enabled: boolean; readonly endpoint: string; readonly max_recv_msg_bytes: number; readonly tls: TlsServerConfig; readonly auth: AuthConfig };
      readonly http: { readonly enabled: boolean; readonly endpoint: string; readonly max_request_bytes: number; readonly tls: TlsServerConfig; readonly auth: AuthConfig };
    };
  };
  readonly limits: {
    /** Budget of request bytes being decoded/stored at once, across all receivers. */
    readonly max_inflight_bytes: number;
    /** Delay suggested to refused clients (gRPC RetryInfo, HTTP Retry-After). */
    readonly retry_after: number;
    /** Longest attribute key or value accepted; points carrying a longer one are rejected. */
    readonly max_attribute_bytes: number;
    /** Most attributes in one set (resource, scope or point); more and the points are rejected. */
    readonly max_attributes: number;
    /** Most buckets (or summary quantiles) in one point; more and the point is rejected. */
    readonly max_buckets_per_point: number;
    /** Most store series one request may create; points of further new series are rejected. */
    readonly max_new_series_per_request: number;
    /** Most series in the store (0: no limit); points of further new series are rejected. */
    readonly max_series: number;
    /** Most series of one metric name (0: no limit). */
    readonly max_series_per_metric: number;
    /** Most new store series in one minute (0: no limit). */
    readonly max_new_series_per_minute: number;
    /** Most labels on one series (0: no limit). */
    readonly max_labels_per_series: number;
    /** Longest label name, in bytes (0: no limit); longer names are rejected. */
    readonly max_label_name_length: number;
    /** Longest label value, in bytes (0: no limit); see label_value_overflow. */
    readonly max_label_value_length: number;
    readonly label_value_overflow: 'reject' | 'truncate';
    /** Connections one peer address may hold on each listener (0: no limit). */
    readonly max_connections_per_peer: number;
    /** Requests one peer address may have in flight on each receiver (0: no limit). */
    readonly max_inflight_requests_per_peer: number;
    /** Slowest average body rate accepted once `body_grace` has passed, bytes per second (0: no minimum). */
    readonly min_body_rate: number;
    /** Time a body may take before the rate is enforced. */
    readonly body_grace: number;
    /** Longest a request body may take to arrive in full. */
    readonly body_timeout: number;
  };
  /** Attribute processing in the decode workers, before the WAL, in order. */
  readonly processors: readonly ProcessorConfig[];
  readonly workers: {
    /** 0 means one less than the number of cores, at least 1. */
    readonly threads: number;
    /** A worker with nothing to do for this long is stopped (started again when needed); 0 keeps them. */
    readonly idle_timeout: number;
  };
  readonly store: {
    /**
     * false keeps received data only in a small non-durable memory buffer, with no query
     * API: for measuring the receivers alone, never for keeping data.
     */
    readonly enabled: boolean;
    /** Directory holding everything the store writes; `max_disk_bytes` caps all of it. */
    readonly path: string;
    readonly max_disk_bytes: number;
    /** Data older than this is deleted; 0 keeps data until the disk budget needs the room. */
    readonly max_age: number;
    readonly datafile_bytes: number;
    /** Points per page before it is cut, compressed and written to a datafile. */
    readonly page_points: number;
    /** A page is cut at this age even if not full. */
    readonly page_max_age: number;
    /** How often the head is checkpointed to head/ (bounds WAL retention and replay). */
    readonly checkpoint_interval: number;
    readonly wal: {
      readonly segment_bytes: number;
      readonly fsync: WalFsync;
      readonly fsync_interval: number;
    };
  };
  /** Rollup tiers of the store (docs/tiers.md). */
  readonly rollups: RollupsConfig;
  /** Streaming aggregation rules, applied before the store and the exporters (docs/aggregation.md). */
  readonly aggregation: readonly AggregationRuleConfig[];
  readonly host: HostConfig;
  readonly telemetry: {
    /** Write the agent's own metrics into its store (they are always served at /metrics). */
    readonly store: boolean;
    readonly interval: number;
  };
  readonly api: {
    readonly enabled: boolean;
    readonly endpoint: string;
    readonly tls: TlsServerConfig;
    readonly auth: AuthConfig & {
      /** Paths answered without a token (health checks). */
      readonly open_paths: readonly string[];
    };
    /** POST /-/reload (Prometheus' lifecycle endpoint); off by default. */
    readonly enable_lifecycle: boolean;
  };
  readonly query: {
    /** Most samples one query may hold in memory (Prometheus' --query.max-samples). */
    readonly max_samples: number;
    /** Longest a query may run, its wait for a turn included; also the cap on the `timeout` parameter. */
    readonly timeout: number;
    /** Queries evaluated at once; more wait for a turn (Prometheus' --query.max-concurrency). */
    readonly max_concurrency: number;
  };
  /** Upstreams the store's log is forwarded to, by name (none by default: local only). */
  readonly exporters: Readonly<Record<string, ExporterConfig>>;
  readonly log: { readonly level: LogLevel };
  readonly shutdown: { readonly timeout: number };
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type WalFsync = 'interval' | 'always' | 'never';

export type HostScraperName = 'cpu' | 'memory' | 'load' | 'disk' | 'filesystem' | 'network' | 'paging' | 'processes' | 'uptime';

/** The host metrics collector. */
export interface HostConfig {
  readonly enabled: boolean;
  readonly interval: number;
  readonly scrapers: readonly HostScraperName[];
  /** Where the host's / is (a container with the host's / mounted at /hostfs sets /hostfs). */
  readonly root_path: string;
  readonly filesystem: {
    /** File system types never reported (pseudo file systems). */
    readonly exclude_types: readonly string[];
    /** Mount points at or under these paths are not reported. */
    readonly exclude_mountpoints: readonly string[];
  };
  readonly process: { readonly enabled: boolean; readonly top: number };
}

/** TLS on a listener; off while cert_file is empty. */
export interface TlsServerConfig {
  readonly cert_file: string;
  readonly key_file: string;
  /** When set, clients must present a certificate signed by one of these CAs (mTLS). */
  readonly client_ca_file: string;
  readonly min_version: TlsVersion;
}

export type TlsVersion = '1.2' | '1.3';

/** How an exporter checks its upstream's certificate and which one it presents (https endpoints). */
export interface TlsClientConfig {
  /** CAs the upstream's certificate must chain to; '' = the system's CAs. */
  readonly ca_file: string;
  /** A client certificate and key for mTLS ('' = none; both or neither). */
  readonly cert_file: string;
  readonly key_file: string;
  /** Accept any server certificate (no chain or name check): only when set explicitly. */
  readonly insecure_skip_verify: boolean;
  readonly min_version: TlsVersion;
  /** The name the certificate must carry (and SNI); '' = the endpoint's host. */
  readonly server_name: string;
}

/** Bearer tokens a listener accepts; none configured means no authentication. */
export interface AuthConfig {
  readonly bearer_tokens: readonly string[];
  /** Files holding tokens, one per line; re-read on reload. */
  readonly bearer_token_files: readonly string[];
}

export type AttributeLevel = 'resource' | 'point';
export type RedactPattern = 'email' | 'ipv4' | 'ipv6' | 'credit_card' | 'bearer';

/** One processor rule, as written in the config (regexes still as text). */
export type ProcessorConfig =
  | {
      readonly type: 'redact';
      readonly patterns: readonly RedactPattern[];
      readonly custom: readonly string[];
      readonly mode: 'mask' | 'hash';
      readonly mask: string;
      readonly hash_key_file: string;
      /** Only attributes whose key matches ('' = all). */
      readonly keys: string;
      readonly levels: readonly AttributeLevel[];
    }
  | { readonly type: 'drop_attributes' | 'keep_attributes'; readonly keys: string; readonly levels: readonly AttributeLevel[] }
  | { readonly type: 'rename'; readonly from: string; readonly to: string; readonly levels: readonly AttributeLevel[] }
  | { readonly type: 'set'; readonly attributes: readonly (readonly [string, string])[]; readonly level: AttributeLevel }
  | { readonly type: 'drop_metrics'; readonly names: string };

export type ExporterKind = 'otlp_grpc' | 'otlp_http' | 'prometheus_remote_write';

/** One exporter (docs/forwarding.md); durations in ms, sizes in bytes. */
export interface ExporterConfig {
  readonly kind: ExporterKind;
  /** By priority: the first healthy one gets the traffic (a failover group when more than one). */
  readonly endpoints: readonly string[];
  /** Remote write protocol: 1, or 2 (falls back to 1 per endpoint when the receiver does not speak it). */
  readonly protocol_version: number;
  /** otlp_http body encoding. */
  readonly encoding: 'protobuf' | 'json';
  /** OTLP request compression (remote write is always snappy). */
  readonly compression: 'gzip' | 'none';
  readonly headers: Readonly<Record<string, string>>;
  /** Sent as `authorization: Bearer <token>` (gRPC metadata for otlp_grpc); '' = none. */
  readonly bearer_token: string;
  /** A file holding the token (first non-comment line); re-read on reload and when it changes. */
  readonly bearer_token_file: string;
  /** Applies to https:// endpoints. */
  readonly tls: TlsClientConfig;
  /** Per request attempt. */
  readonly timeout: number;
  readonly max_batch_points: number;
  /** Largest request body sent; bigger batches are split before sending. */
  readonly max_request_bytes: number;
  /** Requests in flight, one per shard of series (per-series order holds within a shard). */
  readonly shards: number;
  readonly retry: {
    readonly initial: number;
    readonly max: number;
    /** Delay between attempts while the upstream refuses our credentials (401/403). */
    readonly auth_interval: number;
    /** Attempts of a one-point slice failing with a server error before it is parked (dropped, counted). */
    readonly park_after: number;
  };
  /** Consecutive retryable failures of an endpoint before traffic moves to the next one. */
  readonly failover_after: number;
  readonly failback_interval: number;
  /** Points per second while a backlog drains; 0 = unlimited. */
  readonly catch_up_rate: number;
  readonly fresh_first: boolean;
  /** Remote write: re-read a span the WAL lost (over budget) from the store's pages. */
  readonly pages_backfill: boolean;
  /** Points older than this are skipped as a counted gap; 0 = deliver everything the WAL holds. */
  readonly max_age: number;
}
