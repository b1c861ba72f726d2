// PromQL functions over float samples, with the numbers Prometheus gives.
import { describe, expect, it } from 'vitest';
import { engineOver, series } from './engine-helpers.js';

const counter = series({ __name__: 'http_requests_total', job: 'api' }, 15, [0, 15, 30, 45, 60, 5, 20, 35, 50, 65, 80]);
const gauge = series({ __name__: 'temperature_celsius', room: 'a' }, 60, [20, 22, 21, 25, 24]);
const q = engineOver([counter, gauge]);

describe('counters', () => {
  it('rate extrapolates to the window edges, and a reset adds the value before it', async () => {
    // Samples at 45..150 s in (30, 150]: increase 60-45 + 65(reset at 75 s: +60) + 80-5 … = 95 over 105 s of samples, extrapolated to 120 s.
    expect(await q.instant('rate(http_requests_total[2m])', 150)).toEqual(['{job="api"} 0.9047619048']);
    expect(await q.instant('increase(http_requests_total[2m])', 150)).toEqual(['{job="api"} 108.5714286']);
  });

  it('irate and idelta use the last two samples', async () => {
    expect(await q.instant('irate(http_requests_total[1m])', 150)).toEqual(['{job="api"} 1']);
    expect(await q.instant('idelta(temperature_celsius[3m])', 240)).toEqual(['{room="a"} -1']);
  });

  it('resets and changes count what they name', async () => {
    expect(await q.instant('resets(http_requests_total[5m])', 150)).toEqual(['{job="api"} 1']);
    expect(await q.instant('changes(temperature_celsius[10m])', 240)).toEqual(['{room="a"} 4']);
  });
});

describe('gauges', () => {
  it('deriv and predict_linear are least squares (per second)', async () => {
    expect(await q.instant('deriv(temperature_celsius[10m])', 240)).toEqual(['{room="a"} 0.01833333333']);
    expect(await q.instant('predict_linear(temperature_celsius[10m], 3600)', 240)).toEqual(['{room="a"} 90.6']);
  });

  it('*_over_time summarise the window; last_over_time keeps the metric name', async () => {
    expect(await q.instant('avg_over_time(temperature_celsius[10m])', 240)).toEqual(['{room="a"} 22.4']);
    expect(await q.instant('max_over_time(temperature_celsius[10m])', 240)).toEqual(['{room="a"} 25']);
    expect(await q.instant('quantile_over_time(0.5, temperature_celsius[10m])', 240)).toEqual(['{room="a"} 22']);
    expect(await q.instant('stddev_over_time(temperature_celsius[10m])', 240)).toEqual(['{room="a"} 1.854723699']);
    expect(await q.instant('last_over_time(temperature_celsius[10m])', 240)).toEqual(['temperature_celsius{room="a"} 24']);
    expect(await q.instant('present_over_time(temperature_celsius[1m])', 240)).toEqual(['{room="a"} 1']);
  });

  it('absent and absent_over_time answer for what is missing', async () => {
    expect(await q.instant('absent(nope{job="x"})', 240)).toEqual(['{job="x"} 1']);
    expect(await q.instant('absent(temperature_celsius)', 240)).toEqual([]);
    expect(await q.instant('absent_over_time(temperature_celsius[1m])', 600)).toEqual(['{} 1']);
  });
});

describe('instant functions', () => {
  it('math, clamping and rounding drop the metric name', async () => {
    expect(await q.instant('clamp(temperature_celsius, 0, 22)', 240)).toEqual(['{room="a"} 22']);
    expect(await q.instant('round(temperature_celsius / 7, 0.5)', 240)).toEqual(['{room="a"} 3.5']);
    expect(await q.instant('sqrt(temperature_celsius * 4 + 4)', 240)).toEqual(['{room="a"} 10']);
  });

  it('label_replace and label_join rewrite labels with RE2 groups', async () => {
    expect(await q.instant('label_replace(temperature_celsius, "floor", "f-$1", "room", "(.*)")', 240)).toEqual(['temperature_celsius{floor="f-a",room="a"} 24']);
    expect(await q.instant('label_join(temperature_celsius, "both", "/", "__name__", "room")', 240)).toEqual(['temperature_celsius{both="temperature_celsius/a",room="a"} 24']);
  });

  it('timestamp of a selector is the sample time; time() and vector() are the evaluation time', async () => {
    expect(await q.instant('timestamp(temperature_celsius)', 250)).toEqual(['{room="a"} 240']);
    expect(await q.instant('time()', 250)).toEqual(['scalar 250']);
    expect(await q.instant('vector(time()) - 10', 250)).toEqual(['{} 240']);
  });

  it('scalar() needs exactly one series', async () => {
    expect(await q.instant('scalar(temperature_celsius)', 240)).toEqual(['scalar 24']);
    expect(await q.instant('scalar({__name__=~".+"})', 150)).toEqual(['scalar NaN']);
  });
});

describe('classic histograms', () => {
  const buckets = [0.1, 0.5, 1, Infinity].map((le, i) =>
    series({ __name__: 'latency_seconds_bucket', le: le === Infinity ? '+Inf' : String(le) }, 60, [0, [10, 60, 90, 100][i]! * 1, [20, 120, 180, 200][i]!]),
  );
  const h = engineOver(buckets);

  it('histogram_quantile interpolates inside the bucket (the +Inf bucket answers the highest finite bound), over rate(…) as dashboards write it', async () => {
    expect(await h.instant('histogram_quantile(0.5, rate(latency_seconds_bucket[2m]))', 120)).toEqual(['{} 0.42']);
    expect(await h.instant('histogram_quantile(0.99, sum by (le) (rate(latency_seconds_bucket[2m])))', 120)).toEqual(['{} 1']);
  });

  it('histogram_fraction gives the share of observations between two values', async () => {
    expect(await h.instant('histogram_fraction(0, 0.5, latency_seconds_bucket)', 120)).toEqual(['{} 0.6']);
  });
});
