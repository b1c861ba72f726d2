// Which series the exporters leave out because of the aggregation rules: outputs of rules
// whose `to` lacks `exporters`, and inputs that `keep_input: false` rules take whole.
import { describe, expect, it } from 'vitest';
import { exportFilter } from '../../src/aggregation/index.js';
import type { AggregationRuleConfig } from '../../src/config/index.js';
import type { MetricKind, SeriesDefinition } from '../../src/model/index.js';
import { identify } from '../../src/model/index.js';

function rule(match: string, more: Partial<AggregationRuleConfig> = {}): AggregationRuleConfig {
  return { match, interval: 60_000, by: [], without: ['instance'], outputs: ['count_samples', 'max'], keep_input: true, to: ['store', 'exporters'], lag: 10_000, staleness_interval: 0, ...more };
}

function series(name: string, kind: MetricKind, attrs: Record<string, string> = {}): SeriesDefinition {
  const r = identify({ name, kind, temporality: kind === 'gauge' || kind === 'summary' ? 'unspecified' : 'cumulative', monotonic: kind === 'sum', unit: '', description: '', resource: [['service.name', 'svc']], scopeName: '', scopeVersion: '', attributes: Object.entries(attrs) }, { maxAttributeBytes: 1024, maxAttributes: 64 });
  if (!r.ok) throw new Error(r.error);
  return r.def;
}

describe('exportFilter', () => {
  it('is null when every rule keeps its inputs and sends its outputs to the exporters', () => {
    expect(exportFilter([rule('{__name__="x"}')])).toBeNull();
  });

  it('leaves out the inputs of keep_input: false rules, and only those', () => {
    const leaveOut = exportFilter([rule('{__name__="temp", room!="hall"}', { keep_input: false })])!;
    expect(leaveOut(series('temp', 'gauge', { room: 'kitchen' }))).toBe(true);
    expect(leaveOut(series('temp', 'gauge', { room: 'hall' }))).toBe(false);
    expect(leaveOut(series('humidity', 'gauge', { room: 'kitchen' }))).toBe(false);
  });

  it('leaves out a histogram only when the rules take all of it (_bucket, _sum and _count)', () => {
    const h = series('http.server.duration', 'histogram');
    expect(exportFilter([rule('{__name__=~"http_server_duration_.*"}', { keep_input: false })])!(h)).toBe(true);
    expect(exportFilter([rule('{__name__="http_server_duration_count"}', { keep_input: false })])!(h)).toBe(false);
    expect(exportFilter([rule('{__name__="http_server_duration_count"}', { keep_input: false }), rule('{__name__=~"http_server_duration_(sum|bucket)"}', { keep_input: false })])!(h)).toBe(true);
    // A rule that needs `le` takes only some buckets: the histogram is forwarded.
    expect(exportFilter([rule('{__name__=~"http_server_duration_.*", le="+Inf"}', { keep_input: false })])!(h)).toBe(false);
  });

  it('leaves out the outputs of a rule whose `to` lacks exporters, by their vmagent names', () => {
    const leaveOut = exportFilter([rule('{__name__="temp"}', { to: ['store'] }), rule('{__name__="load"}')])!;
    expect(leaveOut(series('temp:1m_without_instance_max', 'gauge', { room: 'kitchen' }))).toBe(true);
    expect(leaveOut(series('temp:1m_without_instance_count_samples', 'gauge'))).toBe(true);
    expect(leaveOut(series('temp:1m_without_instance_avg', 'gauge'))).toBe(false);
    expect(leaveOut(series('load:1m_without_instance_max', 'gauge'))).toBe(false);
    expect(leaveOut(series('temp', 'gauge'))).toBe(false);
  });
});
