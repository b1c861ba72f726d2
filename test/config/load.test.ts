import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ConfigError,
  DEFAULT_CONFIG_YAML,
  defaultConfig,
  loadConfig,
  resolveThreads,
  type Config,
} from '../../src/config/index.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/config/', import.meta.url));
const MiB = 1024 ** 2;
const NO_TLS = { cert_file: '', key_file: '', client_ca_file: '', min_version: '1.2' };
const NO_AUTH = { bearer_tokens: [], bearer_token_files: [] };

/**
 * Every invalid fixture and the substrings its error message must contain:
 * the offending path and what was expected. A fixture without an entry here
 * (or an entry without a fixture) fails the suite.
 */
const INVALID: Readonly<Record<string, readonly string[]>> = {
  'unknown-top-level-key.yaml': [
    'collector: got {"debug":{}}',
    'expected one of the known keys: receivers, limits, processors, workers, store, rollups, aggregation, host, telemetry, api, query, exporters, log, shutdown',
  ],
  'query-bad-values.yaml': ['query.max_samples: got 0', 'query.max_concurrency: got "many"', 'query.timeot: got "1m"', 'expected one of the known keys: max_samples, timeout, max_concurrency'],
  'store-bad-values.yaml': ['store.wal.fsync: got "sometimes"', 'expected one of: interval, always, never', 'store.path: got ""', 'a non-empty file system path'],
  'unknown-nested-key.yaml': [
    'limits.max_connections: got 100',
    'one of the known keys: max_inflight_bytes, retry_after, max_attribute_bytes, max_attributes',
  ],
  'typo-key.yaml': ['receivers.otlp.grpc.max_recv_msg_byte: got "4MiB"', 'did you mean max_recv_msg_bytes?'],
  'size-bad-unit.yaml': ['receivers.otlp.grpc.max_recv_msg_bytes: got "16 Mebibytes"', 'expected a size like 16MiB'],
  'size-negative.yaml': ['limits.max_inflight_bytes: got "-64MiB"', 'expected a size like 16MiB (greater than 0'],
  'size-zero.yaml': ['limits.max_attribute_bytes: got 0', 'expected a size like 16MiB (greater than 0'],
  'duration-bad.yaml': ['limits.retry_after: got "1 second"', 'expected a duration like 10s'],
  'duration-too-long.yaml': ['shutdown.timeout: got "30d"', 'at most 24d'],
  'endpoint-without-port.yaml': ['receivers.otlp.http.endpoint: got "127.0.0.1"', 'expected host:port with port 0-65535'],
  'endpoint-port-out-of-range.yaml': [
    'receivers.otlp.grpc.endpoint: got "0.0.0.0:70000"',
    'expected host:port with port 0-65535',
  ],
  'endpoint-as-number.yaml': ['receivers.otlp.grpc.endpoint: got 4317', 'expected host:port'],
  'endpoint-ipv6-unquoted.yaml': ['line 5, column', 'expected valid YAML'],
  'threads-negative.yaml': ['workers.threads: got -1', 'expected an integer between 0 and 256'],
  'threads-fractional.yaml': ['workers.threads: got 1.5', 'expected an integer between 0 and 256'],
  'threads-too-many.yaml': ['workers.threads: got 1000', 'expected an integer between 0 and 256'],
  'log-level-unknown.yaml': ['log.level: got "verbose"', 'expected one of: debug, info, warn, error'],
  'leaf-null.yaml': ['log.level: got null', 'expected one of: debug, info, warn, error'],
  'section-scalar.yaml': ['receivers: got 5', 'expected a mapping with keys: otlp'],
  'section-list.yaml': ['limits: got [{"max_attributes":10}]', 'expected a mapping with keys: max_inflight_bytes'],
  'top-level-list.yaml': ['(top level): got ["receivers","limits"]', 'expected a mapping with keys: receivers'],
  'yaml-syntax-error.yaml': ['line 2, column', 'expected valid YAML'],
  'duplicate-key.yaml': ['line 3, column 3: got "level"', 'duplicate key'],
  'env-undefined.yaml': [
    'line 4: got "${CAIRN_TEST_UNSET_HOST}"',
    'expected environment variable CAIRN_TEST_UNSET_HOST to be set',
  ],
  'exporter-missing-keys.yaml': ['exporters.up.kind: got nothing, expected one of: otlp_grpc, otlp_http, prometheus_remote_write', 'exporters.up.endpoints: got nothing', 'exporters.up.retry.initial: got "soon"'],
  'exporter-bad-name.yaml': ['exporters.a/b: got "a/b", expected a name of 1-64 letters, digits, _ or -'],
  'host-scraper-unknown.yaml': ['host.scrapers: got ["cpu","gpu"]', 'of: cpu, memory, load, disk, filesystem, network, paging, processes, uptime'],
  'host-scrapers-not-list.yaml': ['host.scrapers: got "cpu"', 'expected a list (e.g. [a, b])'],
  'host-interval-too-short.yaml': ['host.interval: got "100ms"', 'expected a duration of at least 1000 ms'],
  'host-mountpoint-relative.yaml': ['host.filesystem.exclude_mountpoints: got ["dev"]', 'absolute paths'],
  'bool-wrong-type.yaml': ['receivers.otlp.http.enabled: got "yes"', 'expected true or false'],
  'multiple-problems.yaml': [
    'receivers.otlp.grpc.enabled: got "true", expected true or false',
    'receivers.otlp.grpc.endpoint: got "localhost", expected host:port',
    'workers.threads: got "many", expected an integer',
    'log.levle: got "info", expected one of the known keys: level (did you mean level?)',
  ],
};

function loadError(file: string, env: Readonly<Record<string, string>> = {}): ConfigError {
  try {
    loadConfig(file, { env });
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error(`expected ${file} to be rejected`);
}

describe('loadConfig with invalid files', () => {
  const dir = join(FIXTURES, 'invalid');

  it('has an expectation for exactly the fixtures present', () => {
    expect(readdirSync(dir).sort()).toEqual(Object.keys(INVALID).sort());
  });

  it.each(Object.entries(INVALID))('%s', (name, substrings) => {
    const file = join(dir, name);
    const err = loadError(file);
    expect(err.code).toBe('CAIRN_ERR_CONFIG_INVALID');
    expect(err.problems.length).toBeGreaterThan(0);
    // One line per problem, each naming the file.
    const lines = err.message.split('\n');
    expect(lines).toHaveLength(err.problems.length);
    for (const line of lines) expect(line.startsWith(`${file}: `)).toBe(true);
    for (const substring of substrings) expect(err.message).toContain(substring);
  });

  it('reports every problem in a file, not just the first', () => {
    expect(loadError(join(dir, 'multiple-problems.yaml')).problems).toHaveLength(4);
  });
});

describe('loadConfig with valid files', () => {
  const dir = join(FIXTURES, 'valid');
  const load = (name: string, env: Readonly<Record<string, string>> = {}): Config =>
    loadConfig(join(dir, name), { env });

  it('resolves the documented defaults', () => {
    expect(defaultConfig).toEqual({
      receivers: {
        otlp: {
          grpc: { enabled: true, endpoint: '127.0.0.1:4317', max_recv_msg_bytes: 16 * MiB, tls: NO_TLS, auth: NO_AUTH },
          http: { enabled: true, endpoint: '127.0.0.1:4318', max_request_bytes: 16 * MiB, tls: NO_TLS, auth: NO_AUTH },
        },
      },
      limits: {
        max_inflight_bytes: 64 * MiB,
        retry_after: 1000,
        max_attribute_bytes: 16 * 1024,
        max_attributes: 128,
        max_buckets_per_point: 1024,
        max_new_series_per_request: 100_000,
        max_series: 0,
        max_series_per_metric: 0,
        max_new_series_per_minute: 0,
        max_labels_per_series: 0,
        max_label_name_length: 0,
        max_label_value_length: 0,
        label_value_overflow: 'reject',
        max_connections_per_peer: 256,
        max_inflight_requests_per_peer: 128,
        min_body_rate: 16 * 1024,
        body_grace: 5000,
        body_timeout: 60_000,
      },
      processors: [],
      workers: { threads: 0, idle_timeout: 60_000 },
      store: {
        enabled: true,
        path: './cairn-data',
        max_disk_bytes: 1024 * MiB,
        max_age: 0,
        datafile_bytes: 8 * MiB,
        page_points: 1024,
        page_max_age: 60 * 60_000,
        checkpoint_interval: 5 * 60_000,
        wal: { segment_bytes: 8 * MiB, fsync: 'interval', fsync_interval: 1000 },
      },
      // Raw data keeps the rest of the budget: 60 %.
      rollups: {
        enabled: true,
        gauge_sketches: false,
        sketch_compression: 100,
        tier1: { resolution: 60_000, disk_share: 25, max_age: 0, page_rows: 240 },
        tier2: { resolution: 3_600_000, disk_share: 15, max_age: 0, page_rows: 48 },
      },
      aggregation: [],
      host: {
        enabled: true,
        interval: 10_000,
        scrapers: ['cpu', 'memory', 'load', 'disk', 'filesystem', 'network', 'paging', 'processes', 'uptime'],
        root_path: '/',
        filesystem: {
          exclude_types: expect.arrayContaining(['proc', 'sysfs', 'cgroup2', 'devtmpfs', 'tracefs']),
          exclude_mountpoints: expect.arrayContaining(['/dev', '/proc', '/sys']),
        },
        process: { enabled: false, top: 10 },
      },
      telemetry: { store: true, interval: 10_000 },
      api: { enabled: true, endpoint: '127.0.0.1:9977', tls: NO_TLS, auth: { ...NO_AUTH, open_paths: ['/healthz', '/readyz', '/-/healthy', '/-/ready'] }, enable_lifecycle: false },
      query: { max_samples: 50_000_000, timeout: 120_000, max_concurrency: 20 },
      exporters: {},
      log: { level: 'info' },
      shutdown: { timeout: 10_000 },
    });
  });

  it('gives each exporter entry the exporter defaults for the keys it leaves out', () => {
    expect(load('exporters.yaml').exporters).toEqual({
      central: {
        kind: 'prometheus_remote_write',
        endpoints: ['http://prom-a:9090/api/v1/write', 'http://prom-b:9090/api/v1/write'],
        protocol_version: 2,
        encoding: 'protobuf',
        compression: 'gzip',
        headers: { Authorization: 'Bearer t0ken', 'X-Scope-OrgID': '42' },
        bearer_token: '',
        bearer_token_file: '',
        tls: { ca_file: '', cert_file: '', key_file: '', insecure_skip_verify: false, min_version: '1.2', server_name: '' },
        timeout: 30_000,
        max_batch_points: 2000,
        max_request_bytes: 20 * MiB,
        shards: 1,
        retry: { initial: 2000, max: 60_000, auth_interval: 60_000, park_after: 5 },
        failover_after: 3,
        failback_interval: 60_000,
        catch_up_rate: 0,
        fresh_first: false,
        max_age: 0,
        pages_backfill: true,
      },
      gateway: expect.objectContaining({ kind: 'otlp_grpc', endpoints: ['127.0.0.1:14317'], compression: 'gzip', max_age: 86_400_000 }),
    });
  });

  it('uses the defaults when no file is given', () => {
    expect(loadConfig()).toEqual(defaultConfig);
  });

  it.each([['empty.yaml'], ['empty-sections.yaml']])('uses the defaults for %s', (name) => {
    expect(load(name)).toEqual(defaultConfig);
  });

  it('overrides only the keys a file sets', () => {
    expect(load('partial.yaml')).toEqual({
      ...defaultConfig,
      receivers: {
        otlp: {
          grpc: { ...defaultConfig.receivers.otlp.grpc, endpoint: '0.0.0.0:14317' },
          http: { ...defaultConfig.receivers.otlp.http, enabled: false, endpoint: '[::1]:0' },
        },
      },
      limits: { ...defaultConfig.limits, max_inflight_bytes: 128_000_000, retry_after: 90_000 },
      workers: { threads: 4, idle_timeout: 60_000 },
      log: { level: 'debug' },
    });
  });

  it('expands environment variables, falling back to defaults', () => {
    const config = load('env-expansion.yaml', {
      CAIRN_TEST_GRPC_PORT: '5317',
      CAIRN_TEST_LEVEL: 'error',
      CAIRN_TEST_TIMEOUT: '2s',
    });
    expect(config.receivers.otlp.grpc.endpoint).toBe('127.0.0.1:5317');
    expect(config.limits.max_inflight_bytes).toBe(32 * MiB);
    expect(config.log.level).toBe('error');
    expect(config.shutdown.timeout).toBe(2000);
  });

  it('does not share objects between results', () => {
    expect(load('empty.yaml').receivers).not.toBe(load('empty.yaml').receivers);
  });
});

describe('loadConfig file handling', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'cairn-config-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('accepts its own documented defaults as a config file', () => {
    const file = join(tmp, 'defaults.yaml');
    writeFileSync(file, DEFAULT_CONFIG_YAML);
    expect(loadConfig(file, { env: {} })).toEqual(defaultConfig);
  });

  it.each([['missing.yaml'], ['.']])('reports an unreadable file (%s) with CAIRN_ERR_CONFIG_READ', (name) => {
    const file = join(tmp, name);
    const err = loadError(file);
    expect(err.code).toBe('CAIRN_ERR_CONFIG_READ');
    expect(err.message).toContain(file);
    expect(err.cause).toBeInstanceOf(Error);
  });
});

describe('resolveThreads', () => {
  it.each([
    [0, 8, 7],
    [0, 2, 1],
    [0, 1, 1],
    [0, 0, 1],
    [3, 8, 3],
    [16, 4, 16],
  ])('threads %d on %d cores → %d', (threads, cores, expected) => {
    expect(resolveThreads(threads, cores)).toBe(expected);
  });
});
