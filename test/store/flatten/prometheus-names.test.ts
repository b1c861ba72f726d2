// OTel-to-Prometheus metric and label names, checked against what Prometheus' OTLP translator
// (github.com/prometheus/otlptranslator, strategy UnderscoreEscapingWithSuffixes, the default)
// produces for the same metric name, unit and type.
import { describe, expect, it } from 'vitest';
import type { SeriesDefinition } from '../../../src/model/index.js';
import { prometheusName, sanitizeLabelName, sanitizeMetricName, unitSuffix } from '../../../src/store/flatten/index.js';
import { seriesDef } from '../../support/store-units.js';

type Shape = Pick<SeriesDefinition, 'kind' | 'temporality' | 'monotonic'>;
const SHAPES = {
  GAUGE: { kind: 'gauge', temporality: 'unspecified', monotonic: false },
  COUNTER: { kind: 'sum', temporality: 'cumulative', monotonic: true },
  UPDOWN: { kind: 'sum', temporality: 'cumulative', monotonic: false },
  DELTA_COUNTER: { kind: 'sum', temporality: 'delta', monotonic: true },
  HISTOGRAM: { kind: 'histogram', temporality: 'cumulative', monotonic: false },
  SUMMARY: { kind: 'summary', temporality: 'unspecified', monotonic: false },
} satisfies Record<string, Shape>;
type ShapeName = keyof typeof SHAPES;
const [GAUGE, COUNTER, UPDOWN, DELTA_COUNTER, HISTOGRAM, SUMMARY] = ['GAUGE', 'COUNTER', 'UPDOWN', 'DELTA_COUNTER', 'HISTOGRAM', 'SUMMARY'] as const;

const nameOf = (name: string, unit: string, shape: ShapeName): string => prometheusName(seriesDef({ name, unit, ...SHAPES[shape] }));

describe('prometheusName', () => {
  it.each<[string, string, ShapeName, string]>([
    ['http.server.duration', 's', HISTOGRAM, 'http_server_duration_seconds'],
    ['http.client.request.duration', 'ms', HISTOGRAM, 'http_client_request_duration_milliseconds'],
    ['rpc.latency', 'us', SUMMARY, 'rpc_latency_microseconds'],
    ['http.server.requests', '{request}', COUNTER, 'http_server_requests_total'],
    ['http.server.requests', '', COUNTER, 'http_server_requests_total'],
    ['http.requests.total', '{request}', COUNTER, 'http_requests_total'],
    ['http_requests_total', '', COUNTER, 'http_requests_total'],
    ['system.network.io', 'By', COUNTER, 'system_network_io_bytes_total'],
    ['process.threads', '{thread}', UPDOWN, 'process_threads'],
    ['queue.depth', '', UPDOWN, 'queue_depth'],
    ['http.requests', '{request}', DELTA_COUNTER, 'http_requests'],
    ['system.cpu.utilization', '1', GAUGE, 'system_cpu_utilization_ratio'],
    ['cpu.usage.ratio', '1', GAUGE, 'cpu_usage_ratio'],
    ['system.errors', '1', UPDOWN, 'system_errors'],
    ['system.memory.usage', 'By', GAUGE, 'system_memory_usage_bytes'],
    ['process.runtime.memory.bytes', 'By', GAUGE, 'process_runtime_memory_bytes'],
    ['request.time.seconds', 's', HISTOGRAM, 'request_time_seconds'],
    ['system.network.io.rate', 'By/s', GAUGE, 'system_network_io_rate_bytes_per_second'],
    ['link.speed', 'm/s', GAUGE, 'link_speed_meters_per_second'],
    ['packets.rate', '{packet}/s', GAUGE, 'packets_rate_per_second'],
    ['disk.free', 'KiBy', GAUGE, 'disk_free_kibibytes'],
    ['disk.free', 'GBy', GAUGE, 'disk_free_gigabytes'],
    ['uptime', 'd', GAUGE, 'uptime_days'],
    ['sleep', 'min', GAUGE, 'sleep_minutes'],
    ['room.temp', 'Cel', GAUGE, 'room_temp_celsius'],
    ['cpu.freq', 'Hz', GAUGE, 'cpu_freq_hertz'],
    ['battery.level', '%', GAUGE, 'battery_level_percent'],
    ['power', 'W', GAUGE, 'power_watts'],
    ['widgets', 'widget', GAUGE, 'widgets_widget'],
    ['2xx.responses', '', GAUGE, '_2xx_responses'],
    ['5xx', '{response}', COUNTER, '_5xx_total'],
    ['my-metric name', '', GAUGE, 'my_metric_name'],
    ['a..b', '', GAUGE, 'a_b'],
    ['ns:metric.x', '', GAUGE, 'ns:metric_x'],
    ['latency', ' s ', HISTOGRAM, 'latency_seconds'],
  ])('%s in %j as %s → %s', (name, unit, shape, expected) => {
    expect(nameOf(name, unit, shape)).toBe(expected);
  });

  // Prometheus drops every `total` token and appends one at the end; a unit suffix goes before
  // it. Names coming from Prometheus-instrumented code through an OTel bridge look like this.
  it('a counter whose name already holds the unit and ends in total gets neither twice', () => {
    expect(nameOf('process_cpu_seconds_total', 's', COUNTER)).toBe('process_cpu_seconds_total');
    expect(nameOf('cpu.time.total', 's', COUNTER)).toBe('cpu_time_seconds_total');
  });

  // Prometheus maps the main unit `1` to nothing, so `1/s` is just `per_second`.
  it('a dimensionless rate 1/s becomes _per_second', () => {
    expect(nameOf('page.faults.rate', '1/s', GAUGE)).toBe('page_faults_rate_per_second');
    expect(unitSuffix('1/s', 'gauge')).toBe('per_second');
  });
});

describe('unitSuffix', () => {
  it.each<[string, SeriesDefinition['kind'], string]>([
    ['s', 'histogram', 'seconds'],
    ['ns', 'gauge', 'nanoseconds'],
    ['h', 'gauge', 'hours'],
    ['By', 'sum', 'bytes'],
    ['MiBy', 'gauge', 'mebibytes'],
    ['1', 'gauge', 'ratio'],
    ['1', 'sum', ''],
    ['1', 'histogram', ''],
    ['', 'gauge', ''],
    ['{request}', 'sum', ''],
    ['{thread}', 'gauge', ''],
    ['By/s', 'gauge', 'bytes_per_second'],
    ['By/h', 'gauge', 'bytes_per_hour'],
    ['{packet}/s', 'sum', 'per_second'],
    ['m/s', 'gauge', 'meters_per_second'],
    ['%', 'gauge', 'percent'],
    ['V', 'gauge', 'volts'],
    ['A', 'gauge', 'amperes'],
    ['J', 'sum', 'joules'],
    ['g', 'gauge', 'grams'],
    ['custom.unit', 'gauge', 'custom_unit'],
  ])('%j (%s) → %j', (unit, kind, expected) => {
    expect(unitSuffix(unit, kind)).toBe(expected);
  });
});

describe('sanitizeMetricName', () => {
  it.each([
    ['http.server.duration', 'http_server_duration'],
    ['already_fine:with:colons', 'already_fine:with:colons'],
    ['9lives', '_9lives'],
    ['naïve-metric', 'na_ve_metric'],
    ['a . b', 'a_b'],
    ['UPPER.Case', 'UPPER_Case'],
  ])('%j → %j', (input, expected) => {
    expect(sanitizeMetricName(input)).toBe(expected);
  });
});

describe('sanitizeLabelName', () => {
  it.each([
    ['http.method', 'http_method'],
    ['k8s.pod.name', 'k8s_pod_name'],
    ['net/peer-name', 'net_peer_name'],
    ['1st.attempt', 'key_1st_attempt'],
    ['0', 'key_0'],
    ['ns:label', 'ns_label'],
    ['plain', 'plain'],
    ['__name__', '__name__'],
  ])('%j → %j', (input, expected) => {
    expect(sanitizeLabelName(input)).toBe(expected);
  });
});
