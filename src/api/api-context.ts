import type { Querier, QueryEngine } from '../query/index.js';
import type { RequestParams } from './request-params.js';

/** What the `/api/v1` handlers share. */
export interface ApiContext {
  readonly querier: Querier;
  /** Milliseconds since the epoch; the default evaluation time of instant queries. */
  readonly now: () => number;
  /** PromQL evaluation with the configured limits (samples, timeout, concurrency). */
  readonly engine: QueryEngine;
  /** The exporters' status as JSON-ready data (forwarding); absent when the agent has none. */
  readonly exporters?: () => unknown;
}

/** A successful answer: the `data` member as JSON text, and warnings for the envelope. */
export interface ApiAnswer {
  /** JSON text, or its pieces in order (large query results: no string limit, no long block). */
  readonly data: string | readonly string[];
  readonly warnings: readonly string[];
  readonly infos: readonly string[];
}

/** `pathParam` is the percent-encoded `<name>` of `/api/v1/label/<name>/values`, '' elsewhere. */
export type ApiHandler = (params: RequestParams, ctx: ApiContext, pathParam: string) => Promise<ApiAnswer>;

export const answer = (data: string | readonly string[], warnings: readonly string[] = [], infos: readonly string[] = []): ApiAnswer => ({ data, warnings, infos });
