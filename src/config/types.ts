/** The agent's resolved configuration: every field present, sizes in bytes, durations in ms. */
export interface Config {
  readonly receivers: {
    readonly otlp: {
      readonly grpc: { readonly enabled: boolean; readonly endpoint: string; readonly max_recv_msg_bytes: number };
      readonly http: { readonly enabled: boolean; readonly endpoint: string; readonly max_request_bytes: number };
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
  };
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
  readonly host: HostConfig;
  readonly telemetry: {
    /** Write the agent's own metrics into its store (they are always served at /metrics). */
    readonly store: boolean;
    readonly interval: number;
  };
  readonly api: {
    readonly enabled: boolean;
    readonly endpoint: string;
  };
  readonly query: {
    /** Most samples one query may hold in memory (Prometheus' --query.max-samples). */
    readonly max_samples: number;
    /** Longest a query may run, its wait for a turn included; also the cap on the `timeout` parameter. */
    readonly timeout: number;
    /** Queries evaluated at once; more wait for a turn (Prometheus' --query.max-concurrency). */
    readonly max_concurrency: number;
  };
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
