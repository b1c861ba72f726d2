import type { NameCount, TsdbStatus } from '../../query/index.js';
import type { Head } from '../head/index.js';
import type { SeriesIndex } from '../series/index.js';

const NO_REGION = -1;

/**
 * Cardinality statistics as Prometheus' /api/v1/status/tsdb reports them: per metric name,
 * per label name (distinct values, and bytes of values times the series carrying them) and per
 * label pair, each the `limit` largest; head figures from the open pages. One pass over the
 * postings and one over the head: a status page, not a hot path.
 */
export function tsdbStatus(index: SeriesIndex, head: Head, limit: number): TsdbStatus {
  const byMetric: NameCount[] = [];
  const valuesByName = new Map<string, number>();
  const bytesByName = new Map<string, number>();
  const byPair: NameCount[] = [];
  let pairs = 0;
  index.forEachLabelValue((name, value, series) => {
    pairs++;
    if (name === '__name__') byMetric.push({ name: value, value: series });
    valuesByName.set(name, (valuesByName.get(name) ?? 0) + 1);
    bytesByName.set(name, (bytesByName.get(name) ?? 0) + Buffer.byteLength(value) * series);
    byPair.push({ name: `${name}=${value}`, value: series });
  });
  const c = head.chunks;
  let chunkCount = 0;
  let minTime = Infinity;
  let maxTime = -Infinity;
  for (let ref = 0; ref < c.capacity; ref++) {
    if (c.region[ref] === NO_REGION) continue;
    chunkCount++;
    if (c.firstT[ref]! < minTime) minTime = c.firstT[ref]!;
    if (c.lastT[ref]! > maxTime) maxTime = c.lastT[ref]!;
  }
  return {
    headStats: {
      numSeries: index.seriesCount,
      numLabelPairs: pairs,
      chunkCount,
      // NaN for an empty head (the API prints Prometheus' int64 extremes).
      minTime: chunkCount === 0 ? NaN : minTime,
      maxTime: chunkCount === 0 ? NaN : maxTime,
    },
    seriesCountByMetricName: top(byMetric, limit),
    labelValueCountByLabelName: top(toList(valuesByName), limit),
    memoryInBytesByLabelName: top(toList(bytesByName), limit),
    seriesCountByLabelValuePair: top(byPair, limit),
  };
}

function toList(m: Map<string, number>): NameCount[] {
  return [...m].map(([name, value]) => ({ name, value }));
}

function top(list: NameCount[], limit: number): NameCount[] {
  return list.sort((a, b) => b.value - a.value || (a.name < b.name ? -1 : 1)).slice(0, limit);
}
