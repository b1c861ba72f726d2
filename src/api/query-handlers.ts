import { CairnError } from '../errors/index.js';
import { answer } from './api-context.js';
import type { ApiHandler } from './api-context.js';
import { ApiErrorCodes, badData, invalidParam } from './api-error.js';
import { encodeQueryData } from './encode-result.js';
import { DEFAULT_LOOKBACK_MS, evaluateInstant, evaluateRange } from '../query/index.js';
import { optionalDuration, optionalTime, requiredDuration, requiredTime } from './params.js';
import type { Expr } from '../query/index.js';
import { parseQuery } from '../query/index.js';
import type { RequestParams } from './request-params.js';

/** Prometheus' cap on points per series of a range query ("a week at 60 s, a year at 1 h"). */
export const MAX_POINTS_PER_SERIES = 11_000;

/** `GET|POST /api/v1/query`: query, time (default now), timeout, lookback_delta. */
export const handleQuery: ApiHandler = async (params, ctx) => {
  const timeMs = optionalTime(params, 'time', ctx.now());
  const timeoutMs = timeoutParam(params, ctx.queryTimeoutMs);
  const lookbackMs = lookbackParam(params);
  const expr = queryParam(params);
  return answer(encodeQueryData(await withTimeout(evaluateInstant(ctx.querier, expr, timeMs, lookbackMs), timeoutMs)));
};

/** `GET|POST /api/v1/query_range`: query, start, end, step, timeout, lookback_delta. */
export const handleQueryRange: ApiHandler = async (params, ctx) => {
  const startMs = requiredTime(params, 'start');
  const endMs = requiredTime(params, 'end');
  if (endMs < startMs) throw invalidParam('end', 'end timestamp must not be before start time');
  const stepMs = requiredDuration(params, 'step');
  if (stepMs <= 0) throw invalidParam('step', 'zero or negative query resolution step widths are not accepted. Try a positive integer');
  if (Math.floor((endMs - startMs) / stepMs) > MAX_POINTS_PER_SERIES) {
    throw badData('exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)');
  }
  const timeoutMs = timeoutParam(params, ctx.queryTimeoutMs);
  const lookbackMs = lookbackParam(params);
  const expr = queryParam(params);
  const value = await withTimeout(evaluateRange(ctx.querier, expr, { startMs, endMs, stepMs }, lookbackMs), timeoutMs);
  return answer(encodeQueryData(value));
};

function queryParam(params: RequestParams): Expr {
  try {
    return parseQuery(params.first('query'));
  } catch (err) {
    throw err instanceof CairnError ? invalidParam('query', err.message) : err;
  }
}

/** Like Prometheus' -query.timeout, the server's timeout is both the default and the cap. */
function timeoutParam(params: RequestParams, serverTimeoutMs: number): number {
  const ms = optionalDuration(params, 'timeout', serverTimeoutMs);
  return ms > 0 ? Math.min(ms, serverTimeoutMs) : serverTimeoutMs;
}

function lookbackParam(params: RequestParams): number {
  const ms = optionalDuration(params, 'lookback_delta', DEFAULT_LOOKBACK_MS);
  return ms > 0 ? ms : DEFAULT_LOOKBACK_MS;
}

/**
 * The answer, or a timeout error once `timeoutMs` passes. The Querier takes no cancellation
 * signal, so a timed-out select still runs to its end; only the client stops waiting.
 */
function withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  if (!(timeoutMs > 0)) return work;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CairnError(ApiErrorCodes.QUERY_TIMEOUT, 'query timed out in query execution')), timeoutMs);
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}
