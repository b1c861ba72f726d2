import { httpRequest } from './http-client.js';

// A small client for the agent's Prometheus-compatible query API (docs/api.md), over real HTTP.

export type Labels = Record<string, string>;

export interface VectorSample {
  readonly metric: Labels;
  readonly value: readonly [number, string];
}

export interface MatrixSeries {
  readonly metric: Labels;
  readonly values: readonly (readonly [number, string])[];
}

interface ApiAnswer<T> {
  readonly status: 'success' | 'error';
  readonly data: T;
  readonly errorType?: string;
  readonly error?: string;
  readonly warnings?: string[];
}

/** Milliseconds as the API's seconds parameter (exact: three decimals at most). */
export const apiTime = (ms: number): string => (ms / 1000).toFixed(3);

/** Most steps one query_range may span (docs/api.md: more than 11,000 is bad_data). */
export const MAX_STEPS = 11_000;

export class PromApi {
  readonly base: string;

  /** `base`: http://host:port of the API. */
  constructor(base: string) {
    this.base = base.replace(/\/$/, '');
  }

  async get<T>(path: string, params: [string, string][] = []): Promise<ApiAnswer<T>> {
    const qs = new URLSearchParams(params).toString();
    const url = `${this.base}${path}${qs === '' ? '' : `?${qs}`}`;
    const res = await httpRequest(url, { method: 'GET', timeoutMs: 30_000 });
    const text = res.body.toString('utf8');
    let answer: ApiAnswer<T>;
    try {
      answer = JSON.parse(text) as ApiAnswer<T>;
    } catch {
      throw new Error(`GET ${url}: HTTP ${res.status}, not JSON: ${text.slice(0, 300)}`);
    }
    if (answer.status !== 'success') throw new Error(`GET ${url}: HTTP ${res.status} ${answer.errorType}: ${answer.error}`);
    return answer;
  }

  async query(query: string, timeMs: number): Promise<VectorSample[]> {
    const a = await this.get<{ resultType: string; result: VectorSample[] }>('/api/v1/query', [
      ['query', query],
      ['time', apiTime(timeMs)],
    ]);
    if (a.data.resultType !== 'vector') throw new Error(`query ${query}: resultType ${a.data.resultType}`);
    return a.data.result;
  }

  /** `tier`: forces a store tier (0: raw samples only, never stitched from rollup tiers). */
  async queryRange(query: string, startMs: number, endMs: number, stepMs: number, tier?: number): Promise<MatrixSeries[]> {
    const params: [string, string][] = [
      ['query', query],
      ['start', apiTime(startMs)],
      ['end', apiTime(endMs)],
      ['step', String(stepMs / 1000)],
    ];
    if (tier !== undefined) params.push(['tier', String(tier)]);
    const a = await this.get<{ resultType: string; result: MatrixSeries[] }>('/api/v1/query_range', params);
    if (a.data.resultType !== 'matrix') throw new Error(`query_range ${query}: resultType ${a.data.resultType}`);
    return a.data.result;
  }

  /**
   * query_range over any span: split into calls of at most MAX_STEPS steps, the series of each
   * merged by their label set. `startMs` is the first step; every step is start + k·step.
   */
  async queryRangeAll(query: string, startMs: number, endMs: number, stepMs: number, tier?: number): Promise<MatrixSeries[]> {
    const bySeries = new Map<string, { metric: Labels; values: [number, string][] }>();
    for (let from = startMs; from <= endMs; from += MAX_STEPS * stepMs) {
      const to = Math.min(endMs, from + (MAX_STEPS - 1) * stepMs);
      for (const s of await this.queryRange(query, from, to, stepMs, tier)) {
        const key = labelsKey(s.metric);
        let acc = bySeries.get(key);
        if (acc === undefined) bySeries.set(key, (acc = { metric: s.metric, values: [] }));
        acc.values.push(...s.values.map(([t, v]) => [t, v] as [number, string]));
      }
    }
    return [...bySeries.values()];
  }

  async series(matches: readonly string[], startMs?: number, endMs?: number): Promise<Labels[]> {
    const params: [string, string][] = matches.map((m) => ['match[]', m]);
    if (startMs !== undefined) params.push(['start', apiTime(startMs)]);
    if (endMs !== undefined) params.push(['end', apiTime(endMs)]);
    return (await this.get<Labels[]>('/api/v1/series', params)).data;
  }

  async labels(matches: readonly string[] = []): Promise<string[]> {
    return (await this.get<string[]>('/api/v1/labels', matches.map((m) => ['match[]', m]))).data;
  }

  async labelValues(name: string, matches: readonly string[] = []): Promise<string[]> {
    return (await this.get<string[]>(`/api/v1/label/${encodeURIComponent(name)}/values`, matches.map((m) => ['match[]', m]))).data;
  }

  /** The agent's own metrics, parsed. */
  async metrics(): Promise<SelfMetrics> {
    const res = await httpRequest(`${this.base}/metrics`, { method: 'GET', timeoutMs: 10_000 });
    if (res.status !== 200) throw new Error(`GET /metrics: HTTP ${res.status}`);
    return new SelfMetrics(res.body.toString('utf8'));
  }

  async ready(): Promise<boolean> {
    const res = await httpRequest(`${this.base}/readyz`, { method: 'GET', timeoutMs: 10_000 });
    return res.status === 200;
  }
}

/** A label set as a stable string key. */
export function labelsKey(labels: Labels): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Prometheus text exposition, parsed into samples. */
export class SelfMetrics {
  readonly text: string;
  readonly samples: { name: string; labels: Labels; value: number }[] = [];

  constructor(text: string) {
    this.text = text;
    for (const line of text.split('\n')) {
      if (line === '' || line.startsWith('#')) continue;
      const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
      if (m === null) continue;
      const labels: Labels = {};
      for (const lm of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[lm[1]!] = lm[2]!;
      this.samples.push({ name: m[1]!, labels, value: Number(m[3]) });
    }
  }

  /** Sum over the samples of `name` whose labels include `labels` (0 when there are none). */
  sum(name: string, labels: Labels = {}): number {
    return this.samples
      .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
      .reduce((n, s) => n + s.value, 0);
  }

  has(name: string): boolean {
    return this.samples.some((s) => s.name === name);
  }
}

/**
 * The value each step of a range result carries, by step time in ms. With samples exactly on
 * the steps (and at most one per step), this is the series' raw samples plus, after a gap, the
 * last value carried forward by the lookback: callers compare against what they sent.
 */
export function stepValues(series: MatrixSeries): Map<number, number> {
  const out = new Map<number, number>();
  for (const [t, v] of series.values) out.set(Math.round(t * 1000), Number(v));
  return out;
}
