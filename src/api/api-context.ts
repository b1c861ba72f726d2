import type { Querier } from '../query/index.js';
import type { RequestParams } from './request-params.js';

/** What the `/api/v1` handlers share. */
export interface ApiContext {
  readonly querier: Querier;
  /** Milliseconds since the epoch; the default evaluation time of instant queries. */
  readonly now: () => number;
  /** Used when a query has no `timeout` parameter, and the most a `timeout` parameter may ask for. */
  readonly queryTimeoutMs: number;
  /** The exporters' status as JSON-ready data (forwarding); absent when the agent has none. */
  readonly exporters?: () => unknown;
}

/** A successful answer: the `data` member as JSON text, and warnings for the envelope. */
export interface ApiAnswer {
  readonly data: string;
  readonly warnings: readonly string[];
}

/** `pathParam` is the percent-encoded `<name>` of `/api/v1/label/<name>/values`, '' elsewhere. */
export type ApiHandler = (params: RequestParams, ctx: ApiContext, pathParam: string) => Promise<ApiAnswer>;

export const answer = (data: string, warnings: readonly string[] = []): ApiAnswer => ({ data, warnings });
