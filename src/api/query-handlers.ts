import { CairnError } from '../errors/index.js';
import { answer } from './api-context.js';
import type { ApiAnswer, ApiHandler } from './api-context.js';
import { badData, invalidParam } from './api-error.js';
import { encodeQueryData } from './encode-result.js';
import { DEFAULT_LOOKBACK_MS, formatExpr, parseQuery } from '../query/index.js';
import type { QueryResult } from '../query/index.js';
import { jsonString } from './json-encode.js';
import { optionalDuration, optionalTime, requiredDuration, requiredTime } from './params.js';
import type { RequestParams } from './request-params.js';

/** Prometheus' cap on points per series of a range query ("a week at 60 s, a year at 1 h"). */
export const MAX_POINTS_PER_SERIES = 11_000;

/** `GET|POST /api/v1/query`: query, time (default now), timeout, lookback_delta, limit, tier. */
export const handleQuery: ApiHandler = async (params, ctx) => {
  const timeMs = optionalTime(params, 'time', ctx.now());
  const request = { query: params.first('query'), timeoutMs: timeoutParam(params), lookbackMs: lookbackParam(params), ...tierParam(params) };
  const limit = resultLimit(params);
  return respond(await queryErrors(() => ctx.engine.instant({ ...request, timeMs })), limit);
};

/** `GET|POST /api/v1/query_range`: query, start, end, step, timeout, lookback_delta, limit, tier. */
export const handleQueryRange: ApiHandler = async (params, ctx) => {
  const startMs = requiredTime(params, 'start');
  const endMs = requiredTime(params, 'end');
  if (endMs < startMs) throw invalidParam('end', 'end timestamp must not be before start time');
  const stepMs = requiredDuration(params, 'step');
  if (stepMs <= 0) throw invalidParam('step', 'zero or negative query resolution step widths are not accepted. Try a positive integer');
  if (Math.floor((endMs - startMs) / stepMs) > MAX_POINTS_PER_SERIES) {
    throw badData('exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)');
  }
  const request = { query: params.first('query'), timeoutMs: timeoutParam(params), lookbackMs: lookbackParam(params), ...tierParam(params) };
  const limit = resultLimit(params);
  return respond(await queryErrors(() => ctx.engine.range({ ...request, startMs, endMs, stepMs })), limit);
};

/** `GET|POST /api/v1/format_query`: the query in Prometheus' canonical form. */
export const handleFormatQuery: ApiHandler = async (params) => {
  const parsed = await queryErrors(async () => parseQuery(params.first('query')));
  return answer(jsonString(formatExpr(parsed.expr)));
};

/** Parse errors name the parameter, as Prometheus' `invalid parameter "query": …`. */
async function queryErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof CairnError && isParseError(err)) throw invalidParam('query', err.message);
    throw err;
  }
}

function isParseError(err: CairnError): boolean {
  return /^(?:\d+:\d+: )?parse error|^not supported/.test(err.message);
}

/** `limit` cuts the number of series returned (Prometheus 3), with a warning when it did. */
async function respond(result: QueryResult, limit: number): Promise<ApiAnswer> {
  const value = result.value;
  if (limit > 0 && (value.kind === 'vector' || value.kind === 'matrix') && value.series.length > limit) {
    const cut = { ...value, series: value.series.slice(0, limit) };
    return answer(await encodeQueryData(cut), [...result.warnings, 'results truncated due to limit'], result.infos);
  }
  return answer(await encodeQueryData(value), result.warnings, result.infos);
}

function resultLimit(params: RequestParams): number {
  const text = params.first('limit');
  if (text === '') return 0;
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n)) throw invalidParam('limit', `cannot parse ${JSON.stringify(text)} to a valid non-negative limit`);
  return n;
}

/** The engine caps a client's timeout at its own (Prometheus' -query.timeout is default and cap). */
function timeoutParam(params: RequestParams): number | undefined {
  const ms = optionalDuration(params, 'timeout', 0);
  return ms > 0 ? ms : undefined;
}

/** `tier=0|1|2` forces a rollup tier (0: raw samples); absent, the engine chooses (docs/tiers.md). */
function tierParam(params: RequestParams): { tier?: number } {
  const text = params.first('tier');
  if (text === '') return {};
  if (!/^[0-9]$/.test(text)) throw invalidParam('tier', `cannot parse ${JSON.stringify(text)}: expected 0 (raw samples), 1 or 2`);
  return { tier: Number(text) };
}

function lookbackParam(params: RequestParams): number {
  const ms = optionalDuration(params, 'lookback_delta', DEFAULT_LOOKBACK_MS);
  return ms > 0 ? ms : DEFAULT_LOOKBACK_MS;
}
