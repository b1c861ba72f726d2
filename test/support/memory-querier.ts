import type { LabelMatcher, LabelPairs, Querier, SeriesSamples } from '../../src/query/index.js';

/** A sample as tests write it: [ms, value], where 'stale' is Prometheus' stale marker. */
export type TestSample = readonly [number, number | 'stale'];

export interface TestSeries {
  readonly labels: Readonly<Record<string, string>>;
  readonly samples: readonly TestSample[];
}

/** One call the API made, to check the time ranges it asked for. */
export interface QuerierCall {
  readonly method: 'select' | 'series' | 'labelNames' | 'labelValues';
  readonly matchers: readonly LabelMatcher[];
  readonly minT: number;
  readonly maxT: number;
}

const STALE_BITS = 0x7ff0000000000002n;

/**
 * A Querier over fixed series. Matchers are applied here independently of the API's own code:
 * a missing label is the empty string, regexes are anchored with ^(?:…)$ as Prometheus does.
 */
export class MemoryQuerier implements Querier {
  readonly calls: QuerierCall[] = [];
  /** When set, every call waits this long (timeouts). */
  delayMs = 0;
  /** When set, every call rejects with it. */
  failWith: Error | undefined;
  readonly #series: { readonly labels: LabelPairs; readonly samples: readonly TestSample[] }[];

  constructor(series: readonly TestSeries[]) {
    this.#series = series.map((s) => ({
      labels: Object.entries(s.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      samples: [...s.samples].sort((a, b) => a[0] - b[0]),
    }));
  }

  async select(matchers: readonly LabelMatcher[], minT: number, maxT: number): Promise<SeriesSamples[]> {
    const found = await this.#matching('select', matchers, minT, maxT);
    return found
      .map((s) => toSamples(s.labels, s.samples.filter(([t]) => t >= minT && t <= maxT)))
      .filter((s) => s.timestamps.length > 0);
  }

  async series(matchers: readonly LabelMatcher[], minT: number, maxT: number): Promise<LabelPairs[]> {
    return (await this.#matching('series', matchers, minT, maxT)).map((s) => s.labels);
  }

  async labelNames(matchers: readonly LabelMatcher[], minT: number, maxT: number): Promise<string[]> {
    const found = await this.#matching('labelNames', matchers, minT, maxT);
    return [...new Set(found.flatMap((s) => s.labels.map(([n]) => n)))];
  }

  async labelValues(name: string, matchers: readonly LabelMatcher[], minT: number, maxT: number): Promise<string[]> {
    const found = await this.#matching('labelValues', matchers, minT, maxT);
    return [...new Set(found.flatMap((s) => s.labels.filter(([n]) => n === name).map(([, v]) => v)))];
  }

  async #matching(method: QuerierCall['method'], matchers: readonly LabelMatcher[], minT: number, maxT: number) {
    this.calls.push({ method, matchers, minT, maxT });
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.failWith !== undefined) throw this.failWith;
    return this.#series.filter(
      (s) => s.samples.some(([t]) => t >= minT && t <= maxT) && matchers.every((m) => matches(m, s.labels.find(([n]) => n === m.name)?.[1] ?? '')),
    );
  }
}

function matches(m: LabelMatcher, value: string): boolean {
  switch (m.type) {
    case '=':
      return value === m.value;
    case '!=':
      return value !== m.value;
    case '=~':
      return new RegExp(`^(?:${m.value})$`, 's').test(value);
    case '!~':
      return !new RegExp(`^(?:${m.value})$`, 's').test(value);
  }
}

function toSamples(labels: LabelPairs, samples: readonly TestSample[]): SeriesSamples {
  const timestamps = new Float64Array(samples.map(([t]) => t));
  const values = new Float64Array(samples.length);
  const bits = new BigUint64Array(values.buffer);
  samples.forEach(([, v], i) => {
    if (v === 'stale') bits[i] = STALE_BITS;
    else values[i] = v;
  });
  return { labels, timestamps, values };
}
