import { parse } from 'yaml';
import { EXPORTER_DEFAULTS_YAML } from './exporter-defaults.js';
import { AGGREGATION_DEFAULTS_YAML, ROLLUPS_DEFAULTS_YAML } from './tiers-defaults.js';
import { decodeConfig } from './schema.js';
import type { Config } from './types.js';

/**
 * A listener's `tls` and `auth` keys with their comments, at `pad` (the same on every listener;
 * `tokens` is the first comment line of `auth`, lines after a newline get `# ` from it).
 */
function listenerSecurityYaml(pad: string, tokens: string): string {
  const lines = [
    '# TLS for this listener: on when cert_file is set (PEM files, re-read on',
    '# reload and when they change on disk). client_ca_file turns on mutual',
    '# TLS: clients must present a certificate signed by one of its CAs.',
    'tls:',
    '  cert_file: ""',
    '  key_file: ""',
    '  client_ca_file: ""',
    '  # Oldest TLS version accepted: "1.2" or "1.3".',
    '  min_version: "1.2"',
    ...`# ${tokens}`.split('\n'),
    '# Clients send "authorization: Bearer <token>" (a gRPC metadata entry or',
    '# an HTTP header). Tokens can come from the environment',
    '# ("${CAIRN_TOKEN}") or from files (one per line, re-read on reload).',
    '# Compared in constant time, never logged.',
    'auth:',
    '  bearer_tokens: []',
    '  bearer_token_files: []',
  ];
  return lines.map((l) => `${pad}${l}\n`).join('');
}

/**
 * The built-in configuration, written as a config file so it doubles as the
 * reference users copy from. It is the single source of the default values:
 * `defaultConfig` below is decoded from it.
 */
export const DEFAULT_CONFIG_YAML = `\
# cairn configuration: the built-in defaults.
#
# Every key is optional. A config file only needs the keys it changes; the
# rest keep the values shown here, and an empty section (\`receivers:\`) keeps
# all of its defaults. Unknown keys are rejected so typos do not go unnoticed.
#
# Sizes: a byte count or a number with a unit, binary KiB MiB GiB TiB
#   (powers of 1024) or decimal kB MB GB TB (powers of 1000), e.g. 16MiB.
# Durations: milliseconds or numbers with units us ms s m h d, which may be
#   combined, e.g. 500ms, 10s, 1h30m.
# Environment: \${VAR} or \${VAR:-default} anywhere outside full-line
#   comments is replaced before parsing; $$ stands for a literal $.

receivers:
  otlp:
    grpc:
      enabled: true
      # host:port. Loopback by default so that accepting telemetry from other
      # machines is a deliberate choice (0.0.0.0:4317, or "[::]:4317" quoted
      # since YAML reads a leading [ as a list). Port 0 picks a free port.
      endpoint: 127.0.0.1:4317
      # Largest single gRPC message accepted.
      max_recv_msg_bytes: 16MiB
${listenerSecurityYaml('      ', 'Bearer tokens accepted; none means no authentication.')}    http:
      enabled: true
      endpoint: 127.0.0.1:4318
      # Largest single HTTP request body accepted.
      max_request_bytes: 16MiB
${listenerSecurityYaml('      ', 'Bearer tokens accepted; none means no authentication.')}
limits:
  # Request bytes being decoded or stored at once, across all receivers.
  # Beyond it clients are told to retry later rather than the agent growing
  # without bound.
  max_inflight_bytes: 64MiB
  # Delay suggested to refused clients (gRPC RetryInfo, HTTP Retry-After).
  retry_after: 1s
  # Longest attribute key or value accepted; points carrying a longer one
  # are rejected.
  max_attribute_bytes: 16KiB
  # Most attributes in one set (resource, scope or point); points with more
  # are rejected.
  max_attributes: 128
  # Most buckets in one histogram point (explicit bounds + 1, or an
  # exponential histogram's positive plus negative buckets), and most
  # quantiles in one summary point; points with more are rejected. Each
  # bucket of a classic histogram is a series in the store.
  max_buckets_per_point: 1024
  # Most series one request may create in the store (a histogram's buckets,
  # sum and count each count): points of further new series are rejected,
  # so no single request can blow up memory with series.
  max_new_series_per_request: 100000
  # Series limits, 0 = none. Points of a series these would exceed are
  # rejected (OTLP partial success naming the limit) and counted in
  # cairn_limit_refused_points_total{limit}. Series are counted as the store
  # keeps them: a gauge or sum is one, a histogram its buckets + 2.
  # Most series in the store (every source, the agent's own included).
  max_series: 0
  # Most series of one OTLP metric name (a histogram counts once here).
  max_series_per_metric: 0
  # Most series created in one minute (churn).
  max_new_series_per_minute: 0
  # Label limits, applied after the processors, 0 = none. Labels of a series:
  # its data point attributes, plus __name__, job and instance.
  max_labels_per_series: 0
  max_label_name_length: 0
  max_label_value_length: 0
  # A value longer than max_label_value_length: reject the point, or
  # truncate the value to the limit (UTF-8 safe).
  label_value_overflow: reject
  # Hostile-client protection, per listener. A peer is an IP address.
  max_connections_per_peer: 256
  max_inflight_requests_per_peer: 128
  # A request body must average at least min_body_rate bytes per second
  # once body_grace has passed (slow senders are answered 408 / gRPC
  # DEADLINE_EXCEEDED and disconnected), and arrive in full within
  # body_timeout. Budget is taken as body bytes arrive, not as announced.
  min_body_rate: 16KiB
  body_grace: 5s
  body_timeout: 60s

# Attribute processing, in order, in the decode workers before anything is
# written: what a rule removes or masks never reaches the disk. Rules run
# once per new series (not per point); docs/security.md has the details.
# Rule types (keys are RE2 regexes, levels any of resource, point):
#   - redact: { patterns: [email, ipv4, ipv6, credit_card, bearer],
#               custom: ["ssn=\\d+"], mode: mask, mask: "****",
#               keys: "", levels: [resource, point] }
#       mode: hash replaces a match by hmac:<16 hex digits> (HMAC-SHA256
#       keyed by the contents of hash_key_file): still one series per user,
#       unreadable; keys limits the rule to attributes whose key matches.
#   - drop_attributes: { keys: "^(user\\.|http\\.client_ip$)", levels: [resource, point] }
#   - keep_attributes: { keys: "^(service\\.|http\\.)", levels: [point] }
#   - rename: { from: http.method, to: http.request.method, levels: [resource, point] }
#   - set: { attributes: { deployment.environment: prod }, level: point }
#   - drop_metrics: { names: "^debug\\." }
processors: []

workers:
  # Decoding threads, 0 to 256. 0 means one less than the number of cores
  # (at least 1), leaving one for the main thread.
  threads: 0
  # Threads start when work arrives and stop after this long without any
  # (each idle thread holds ~12 MiB); 0 keeps them running.
  idle_timeout: 60s

store:
  # false: keep received data only in a small non-durable memory buffer and
  # serve no queries (for measuring the receivers alone; data is lost).
  enabled: true
  # Everything the store writes lives here: wal/, tier0/ (datafiles and their
  # journals), index/. Relative paths are relative to the working directory.
  path: ./cairn-data
  # Hard cap on all bytes under path; the oldest datafile is deleted first
  # to make room (the directory never exceeds it by more than one datafile).
  max_disk_bytes: 1GiB
  # Delete data older than this; 0 keeps it until the budget needs the room.
  max_age: 0
  # Size of each datafile in the ring.
  datafile_bytes: 8MiB
  # Points per series page before it is compressed and written (16-65536).
  page_points: 1024
  # A page is written at this age even when not full. 1h gives 360-point
  # pages at a 10 s interval (~0.9 B/sample on disk; 30m pages cost ~1.1,
  # see BENCHMARKS.md).
  page_max_age: 1h
  # The head (open pages, compressed in memory) is written to head/ this
  # often, so the WAL only has to cover the time since: replay on start is
  # short and the WAL small. Also written when ingest goes quiet after a burst, when the WAL
  # since the last one passes a quarter of its share of the disk budget, and
  # on shutdown.
  checkpoint_interval: 5m
  wal:
    # Largest WAL segment file.
    segment_bytes: 8MiB
    # interval: fsync every fsync_interval (a crash of the machine, not of
    # the agent, can lose that much); always: fsync before acknowledging;
    # never: leave it to the OS.
    fsync: interval
    fsync_interval: 1s

${ROLLUPS_DEFAULTS_YAML}
${AGGREGATION_DEFAULTS_YAML}
host:
  # Host metrics, named as the OpenTelemetry system semantic conventions
  # (system.cpu.time, system.memory.usage, ...), stored like OTLP data.
  enabled: true
  # How often the host is read; timestamps are aligned to it (at least 1s).
  interval: 10s
  # Which parts to read, any of: cpu, memory, load, disk, filesystem,
  # network, paging, processes, uptime.
  scrapers: [cpu, memory, load, disk, filesystem, network, paging, processes, uptime]
  # Where the host's / is. In a container with the host's / mounted
  # read-only at /hostfs, set /hostfs.
  root_path: /
  filesystem:
    # File system types never reported (pseudo and virtual file systems).
    exclude_types: [autofs, binfmt_misc, bpf, cgroup, cgroup2, configfs, debugfs, devpts, devtmpfs, fusectl, hugetlbfs, iso9660, mqueue, nsfs, proc, procfs, pstore, rpc_pipefs, securityfs, selinuxfs, squashfs, sysfs, tracefs]
    # Mount points at or under these paths are not reported.
    exclude_mountpoints: [/dev, /proc, /sys, /run/credentials, /run/containerd, /var/lib/docker, /var/lib/containers/storage, /var/lib/kubelet/pods, /snap]
  # Per-process CPU time and memory for the busiest processes by CPU.
  # Each process is its own set of series, so this is off by default.
  process:
    enabled: false
    top: 10

telemetry:
  # Write the agent's own metrics (the ones served at /metrics) into its
  # store as well, so they can be queried and kept like any other series.
  store: true
  interval: 10s

api:
  enabled: true
  # The local query API (Prometheus-compatible), health and metrics.
  endpoint: 127.0.0.1:9977
${listenerSecurityYaml('  ', 'Bearer tokens accepted on every path but open_paths; none means no\n# authentication.')}    # Answered without a token, so health checks need no secret.
    open_paths: [/healthz, /readyz, /-/healthy, /-/ready]
  # POST /-/reload re-reads the configuration (as SIGHUP does), as in
  # Prometheus' --web.enable-lifecycle. Behind auth when auth is on.
  enable_lifecycle: false

query:
  # PromQL limits, with Prometheus' defaults. A query needing more samples in
  # memory at once fails with "too many samples"; one running longer than the
  # timeout fails with "query timed out" (clients may ask for less, never more).
  max_samples: 50000000
  timeout: 2m
  # Queries evaluated at once; more wait for a turn within their timeout.
  max_concurrency: 20

# Upstreams the store's log is forwarded to, each under a name of your
# choice (docs/forwarding.md). None by default: the agent stays local-only.
# Every acknowledged point reaches each exporter's upstream (at least once,
# in order per series), through outages, restarts and crashes, unless the
# WAL's share of store.max_disk_bytes runs out first (then the loss is
# counted per exporter). An entry's keys and their defaults:
#
# exporters:
#   central:
${EXPORTER_DEFAULTS_YAML.trimEnd().split('\n').map((l) => (l === '' ? '#' : `#     ${l.replace(/^# /, '# ')}`)).join('\n')}
exporters: {}

log:
  # One of: debug, info, warn, error.
  level: info

shutdown:
  # How long in-flight work may take to finish after a stop signal before
  # the agent exits anyway.
  timeout: 10s
`;

function decodeDefaults(): Config {
  const result = decodeConfig(parse(DEFAULT_CONFIG_YAML), undefined);
  if ('problems' in result) {
    // Only reachable through an edit to this file; tests load it on every run.
    throw new Error(`built-in default configuration is invalid: ${JSON.stringify(result.problems)}`);
  }
  return result.config;
}

/** The resolved built-in configuration. */
export const defaultConfig: Config = decodeDefaults();
