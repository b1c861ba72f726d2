// The PromQL engine alone (no store, no HTTP): queries over series held in memory, with
// tinybench. Separates evaluation cost from store reads in the end-to-end figures.
// Usage (after npm run build): node native-bench/promql-engine.bench.mjs
import { Bench } from 'tinybench';
import { createQueryEngine } from '../dist/query/index.js';

const STEP = 10_000;
const HOUR = 3_600_000;

/** `count` series of `hours` at 10 s, counters rising by a per-series amount. */
function data(name, count, hours) {
  const n = (hours * HOUR) / STEP;
  return Array.from({ length: count }, (_, s) => {
    const timestamps = new Float64Array(n);
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      timestamps[i] = i * STEP;
      values[i] = i * (1 + (s % 7));
    }
    return { labels: [['__name__', name], ['job', `job-${s % 10}`], ['series', String(s)]], timestamps, values };
  });
}

function querier(series) {
  return {
    async select(matchers, minT, maxT) {
      const name = matchers.find((m) => m.name === '__name__').value;
      return series
        .filter((s) => s.labels[0][1] === name)
        .map((s) => {
          let lo = 0;
          while (lo < s.timestamps.length && s.timestamps[lo] < minT) lo++;
          let hi = lo;
          while (hi < s.timestamps.length && s.timestamps[hi] <= maxT) hi++;
          return { labels: s.labels, timestamps: s.timestamps.subarray(lo, hi), values: s.values.subarray(lo, hi) };
        });
    },
    series: async () => [],
    labelNames: async () => [],
    labelValues: async () => [],
  };
}

const engine = createQueryEngine({ querier: querier([...data('one_total', 1, 24), ...data('many_total', 1000, 1)]) });
const end = 24 * HOUR - STEP;
const bench = new Bench({ time: 2000 });
bench
  .add('rate(x[5m]), 1 series × 24 h, step 60 s', () => engine.range({ query: 'rate(one_total[5m])', startMs: 300_000, endMs: end, stepMs: 60_000 }))
  .add('sum by (job) (rate(x[5m])), 1,000 series × 1 h, step 15 s', () => engine.range({ query: 'sum by (job) (rate(many_total[5m]))', startMs: 300_000, endMs: HOUR - STEP, stepMs: 15_000 }))
  .add('topk(10, x), 1,000 series, instant', () => engine.instant({ query: 'topk(10, many_total)', timeMs: HOUR - STEP }))
  .add('quantile_over_time(0.9, x[1h:1m]), 1,000 series, instant', () => engine.instant({ query: 'quantile_over_time(0.9, many_total[1h:1m])', timeMs: HOUR - STEP }));
await bench.run();
console.log(`${new Date().toISOString()} node ${process.version}`);
console.table(bench.table());
