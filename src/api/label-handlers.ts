import { CairnError } from '../errors/index.js';
import { answer } from './api-context.js';
import type { ApiAnswer, ApiHandler } from './api-context.js';
import { badData, invalidParam } from './api-error.js';
import { jsonLabels, jsonStringArray } from './json-encode.js';
import { compareLabelSets, sortedUnique } from '../query/index.js';
import { hasNonEmptyMatcher } from '../query/index.js';
import { limitParam, MAX_TIME_MS, MIN_TIME_MS, optionalTime } from './params.js';
import { parseSelector } from '../query/index.js';
import type { LabelMatcher, LabelPairs } from '../query/index.js';
import type { RequestParams } from './request-params.js';

const TRUNCATED = 'results truncated due to limit';

/** `GET|POST /api/v1/series`: the union of the series each `match[]` selects, sorted. */
export const handleSeries: ApiHandler = async (params, ctx) => {
  if (params.all('match[]').length === 0) throw badData('no match[] parameter provided');
  const { startMs, endMs } = timeRange(params);
  const sets = matchSets(params);
  const limit = limitParam(params);
  const found = await Promise.all(sets.map((m) => ctx.querier.series(m, startMs, endMs)));
  const unique = new Map<string, LabelPairs>();
  for (const labels of found.flat()) unique.set(JSON.stringify(labels), labels);
  const series = [...unique.values()].sort(compareLabelSets);
  return limited(series, limit, (kept) => `[${kept.map(jsonLabels).join(',')}]`);
};

/** `GET|POST /api/v1/labels`: label names, of all series or of those the `match[]`s select. */
export const handleLabels: ApiHandler = (params, ctx) => lookupStrings(params, (m, start, end) => ctx.querier.labelNames(m, start, end));

/** `GET|POST /api/v1/label/<name>/values`: values of one label, optionally within `match[]`s. */
export const handleLabelValues: ApiHandler = (params, ctx, encodedName) => {
  const name = labelName(encodedName);
  return lookupStrings(params, (m, start, end) => ctx.querier.labelValues(name, m, start, end));
};

type StringLookup = (matchers: readonly LabelMatcher[], startMs: number, endMs: number) => Promise<string[]>;

/** One lookup per `match[]` (or one over every series, an empty matcher list, without any), united and sorted. */
async function lookupStrings(params: RequestParams, lookup: StringLookup): Promise<ApiAnswer> {
  const { startMs, endMs } = timeRange(params);
  const sets = matchSets(params);
  const limit = limitParam(params);
  const found = await Promise.all((sets.length > 0 ? sets : [[]]).map((m) => lookup(m, startMs, endMs)));
  return limited(sortedUnique(found.flat()), limit, jsonStringArray);
}

function labelName(encoded: string): string {
  let name = '';
  try {
    name = decodeURIComponent(encoded);
  } catch {
    // A malformed escape is reported like an empty name, as an invalid label name.
  }
  if (name === '') throw badData(`invalid label name: ${JSON.stringify(encoded)}`);
  return name;
}

/** `start` and `end` default to all time for lookups. */
function timeRange(params: RequestParams): { startMs: number; endMs: number } {
  return { startMs: optionalTime(params, 'start', MIN_TIME_MS), endMs: optionalTime(params, 'end', MAX_TIME_MS) };
}

function matchSets(params: RequestParams): (readonly LabelMatcher[])[] {
  return params.all('match[]').map((text) => {
    let matchers: readonly LabelMatcher[];
    try {
      matchers = parseSelector(text);
    } catch (err) {
      throw err instanceof CairnError ? invalidParam('match[]', err.message) : err;
    }
    if (!hasNonEmptyMatcher(matchers)) throw badData('match[] must contain at least one non-empty matcher');
    return matchers;
  });
}

/** Applies `limit` (0 = none) and warns, as Prometheus does, when it cut the result. */
function limited<T>(items: readonly T[], limit: number, encode: (kept: readonly T[]) => string): ApiAnswer {
  if (limit === 0 || items.length <= limit) return answer(encode(items));
  return answer(encode(items.slice(0, limit)), [TRUNCATED]);
}
