// A small engine over fixed series for the readable feature tests (times in seconds here).
import type { QueryEngineOptions, QueryValue } from '../../src/query/index.js';
import { createQueryEngine } from '../../src/query/index.js';
import type { TestSeries } from '../support/memory-querier.js';
import { MemoryQuerier } from '../support/memory-querier.js';

/** `name{a="b"}` → labels, and values every `stepS` seconds from 0 ('stale' and null allowed). */
export function series(labels: Record<string, string>, stepS: number, values: readonly (number | 'stale' | null)[]): TestSeries {
  const samples: [number, number | 'stale'][] = [];
  values.forEach((v, i) => {
    if (v !== null) samples.push([i * stepS * 1000, v]);
  });
  return { labels, samples };
}

export function engineOver(data: readonly TestSeries[], options: Partial<QueryEngineOptions> = {}) {
  const querier = new MemoryQuerier(data);
  const engine = createQueryEngine({ querier, ...options });
  return {
    querier,
    engine,
    /** Instant query at `atS` seconds: `{labels} value` lines, in result order. */
    async instant(query: string, atS: number): Promise<string[]> {
      return lines((await engine.instant({ query, timeMs: atS * 1000 })).value);
    },
    async range(query: string, startS: number, endS: number, stepS: number): Promise<string[]> {
      return lines((await engine.range({ query, startMs: startS * 1000, endMs: endS * 1000, stepMs: stepS * 1000 })).value);
    },
    async annotations(query: string, atS: number): Promise<{ warnings: readonly string[]; infos: readonly string[] }> {
      const r = await engine.instant({ query, timeMs: atS * 1000 });
      return { warnings: r.warnings, infos: r.infos };
    },
  };
}

const round = (v: number): string => (Number.isInteger(v) || !Number.isFinite(v) ? String(v) : String(Number(v.toPrecision(10))));

function labelText(labels: readonly (readonly [string, string])[]): string {
  const name = labels.find(([k]) => k === '__name__')?.[1] ?? '';
  return `${name}{${labels.filter(([k]) => k !== '__name__').map(([k, v]) => `${k}="${v}"`).join(',')}}`;
}

function lines(v: QueryValue): string[] {
  switch (v.kind) {
    case 'scalar':
      return [`scalar ${round(v.v)}`];
    case 'string':
      return [`string ${v.v}`];
    case 'vector':
      return v.series.map((s) => `${labelText(s.labels)} ${round(s.values[0]!)}`);
    case 'matrix':
      return v.series.map((s) => `${labelText(s.labels)} ${Array.from(s.values, (x, i) => `${round(x)}@${s.timestamps[i]! / 1000}`).join(' ')}`);
  }
}
