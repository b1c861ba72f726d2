import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { prometheusText, Registry } from '../../src/telemetry/index.js';
import { parseExposition, sampleValue } from './text-format.js';

const promtool = spawnSync('promtool', ['--version']).status === 0;

/** promtool check metrics on `text`: its exit code and what it said. */
function promtoolCheck(text: string): { status: number | null; output: string } {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

function sampleRegistry(): Registry {
  const r = new Registry();
  const c = r.counter('app_requests_total', 'Requests, by path.\nSecond line with a \\ backslash.');
  c.add(3, { path: '/a "quoted"\nnext\\line' });
  c.add(1, { path: '/b' });
  r.gauge('app_temperature_celsius', 'A gauge.', () => 21.5);
  r.counterFunc('app_cpu_seconds_total', 'A counter read elsewhere.', () => 1.25);
  const h = r.histogram('app_request_duration_seconds', 'A histogram.', [0.001, 0.01, 0.1]);
  h.observe(0.0005, { receiver: 'x' });
  h.observe(0.05, { receiver: 'x' });
  h.observe(0.05, { receiver: 'x' });
  h.observe(7, { receiver: 'x' });
  h.observe(0.001, { receiver: 'y' });
  return r;
}

describe('prometheusText', () => {
  it('writes HELP and TYPE once per family, escapes help and label values, and histograms as cumulative buckets, _sum and _count', () => {
    expect(prometheusText(sampleRegistry())).toBe(
      [
        '# HELP app_requests_total Requests, by path.\\nSecond line with a \\\\ backslash.',
        '# TYPE app_requests_total counter',
        'app_requests_total{path="/a \\"quoted\\"\\nnext\\\\line"} 3',
        'app_requests_total{path="/b"} 1',
        '# HELP app_temperature_celsius A gauge.',
        '# TYPE app_temperature_celsius gauge',
        'app_temperature_celsius 21.5',
        '# HELP app_cpu_seconds_total A counter read elsewhere.',
        '# TYPE app_cpu_seconds_total counter',
        'app_cpu_seconds_total 1.25',
        '# HELP app_request_duration_seconds A histogram.',
        '# TYPE app_request_duration_seconds histogram',
        'app_request_duration_seconds_bucket{receiver="x",le="0.001"} 1',
        'app_request_duration_seconds_bucket{receiver="x",le="0.01"} 1',
        'app_request_duration_seconds_bucket{receiver="x",le="0.1"} 3',
        'app_request_duration_seconds_bucket{receiver="x",le="+Inf"} 4',
        'app_request_duration_seconds_sum{receiver="x"} 7.1005',
        'app_request_duration_seconds_count{receiver="x"} 4',
        'app_request_duration_seconds_bucket{receiver="y",le="0.001"} 1',
        'app_request_duration_seconds_bucket{receiver="y",le="0.01"} 1',
        'app_request_duration_seconds_bucket{receiver="y",le="0.1"} 1',
        'app_request_duration_seconds_bucket{receiver="y",le="+Inf"} 1',
        'app_request_duration_seconds_sum{receiver="y"} 0.001',
        'app_request_duration_seconds_count{receiver="y"} 1',
        '',
      ].join('\n'),
    );
  });

  it('reads back through the strict parser with the values it wrote', () => {
    const families = parseExposition(prometheusText(sampleRegistry()));
    expect([...families.keys()]).toEqual(['app_requests_total', 'app_temperature_celsius', 'app_cpu_seconds_total', 'app_request_duration_seconds']);
    expect(sampleValue(families, 'app_requests_total', { path: '/a "quoted"\nnext\\line' })).toBe(3);
    expect(sampleValue(families, 'app_request_duration_seconds_bucket', { receiver: 'x', le: '+Inf' })).toBe(4);
    expect(families.get('app_requests_total')!.help).toBe('Requests, by path.\nSecond line with a \\ backslash.');
  });

  it('writes special values as Prometheus spells them, and nothing for an empty registry', () => {
    const r = new Registry();
    r.gauge('a', 'h', () => NaN);
    r.gauge('b', 'h', () => Infinity);
    r.gauge('c', 'h', () => -Infinity);
    expect(prometheusText(r)).toContain('a NaN\n');
    expect(prometheusText(r)).toContain('b +Inf\n');
    expect(prometheusText(r)).toContain('c -Inf\n');
    expect(prometheusText(new Registry())).toBe('');
  });

  it('the strict parser refuses what a scrape or promtool would refuse', () => {
    const bad: [string, RegExp][] = [
      ['x 1\n', /before its family/],
      ['# HELP x h\n# TYPE x gauge\nx 1\nx 2\n', /duplicate series/],
      ['# HELP x h\n# TYPE x gauge\nx 1\n# HELP y h\n# TYPE y gauge\ny 1\n# HELP x h\n', /appears twice/],
      ['# HELP x h\n# TYPE x counter\nx 1\n', /does not end in _total/],
      ['# HELP x h\n# TYPE x gauge\nx{a="\\t"} 1\n', /bad escape/],
      ['# HELP x h\n# TYPE x gauge\nx one\n', /bad value/],
      ['# HELP h h\n# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n', /not cumulative/],
      ['# HELP h h\n# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n', /not \+Inf/],
      ['# HELP x h\n# TYPE x gauge\nx 1', /newline/],
    ];
    for (const [text, error] of bad) expect(() => parseExposition(text), text).toThrow(error);
  });

  it.skipIf(!promtool)('passes promtool check metrics (skipped: promtool not installed; it comes with the Debian package prometheus)', () => {
    const r = promtoolCheck(prometheusText(sampleRegistry()));
    expect(r.output).toBe('');
    expect(r.status).toBe(0);
  });
});
