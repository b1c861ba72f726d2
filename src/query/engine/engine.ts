import { CairnError, ErrorCodes } from '../../errors/index.js';
import { parseQuery } from '../promql/parse.js';
import type { Querier } from '../querier.js';
import type { QueryLimits } from './limits.js';
import { DEFAULT_MAX_SAMPLES, timedOut } from './limits.js';
import type { QueryResult } from './query.js';
import { runInstantQuery, runRangeQuery } from './query.js';

/** How far back an instant selector looks for a sample: Prometheus' default lookback delta. */
export const DEFAULT_LOOKBACK_MS = 5 * 60_000;
/** A subquery's step when it names none: Prometheus' default evaluation interval. */
export const DEFAULT_SUBQUERY_STEP_MS = 60_000;
export const DEFAULT_QUERY_TIMEOUT_MS = 2 * 60_000;
export const DEFAULT_MAX_CONCURRENCY = 20;
/**
 * Longest the event loop is held by one query before ingest gets a turn (docs/query.md). An
 * export takes several loop turns to answer, each waiting up to one slice behind a query.
 */
export const DEFAULT_SLICE_MS = 1;

export interface QueryEngineOptions {
  readonly querier: Querier;
  readonly maxSamples?: number;
  /** Default and cap of a query's timeout, waiting for a turn included. */
  readonly timeoutMs?: number;
  /** Queries evaluated at once; more wait their turn (within their timeout). */
  readonly maxConcurrency?: number;
  readonly sliceMs?: number;
}

export interface EvalRequest {
  readonly query: string;
  readonly lookbackMs?: number;
  /** Asked for by the client; capped by the engine's own timeout. */
  readonly timeoutMs?: number;
  /** Read this rollup tier (0: raw samples only); absent: each selector gets the coarsest exact one (docs/tiers.md). */
  readonly tier?: number;
}

export interface QueryEngine {
  instant(r: EvalRequest & { readonly timeMs: number }): Promise<QueryResult>;
  range(r: EvalRequest & { readonly startMs: number; readonly endMs: number; readonly stepMs: number }): Promise<QueryResult>;
  /** Queries running and waiting (for self metrics and tests). */
  readonly active: number;
}

/** The PromQL engine over a querier, with Prometheus' limits: samples, timeout, concurrency. */
export function createQueryEngine(o: QueryEngineOptions): QueryEngine {
  const timeoutCap = o.timeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS;
  const gate = new ConcurrencyGate(o.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY);
  let active = 0;

  async function run<T>(r: EvalRequest, body: (limits: QueryLimits, lookbackMs: number) => Promise<T>): Promise<T> {
    const timeout = r.timeoutMs !== undefined && r.timeoutMs > 0 ? Math.min(r.timeoutMs, timeoutCap) : timeoutCap;
    const deadline = performance.now() + timeout;
    active++;
    try {
      await gate.enter(deadline);
      const limits: QueryLimits = { maxSamples: o.maxSamples ?? DEFAULT_MAX_SAMPLES, deadline, sliceMs: o.sliceMs ?? DEFAULT_SLICE_MS };
      const work = body(limits, r.lookbackMs ?? DEFAULT_LOOKBACK_MS);
      // The turn is given back when the evaluation has stopped (at its next check after a
      // timeout), not when the client was answered, so max_concurrency bounds the work done.
      void work.then(
        () => gate.leave(),
        () => gate.leave(),
      );
      return await withDeadline(work, deadline);
    } finally {
      active--;
    }
  }

  return {
    instant: (r) => {
      const parsed = parseQuery(r.query);
      return run(r, (limits, lookbackMs) => runInstantQuery(parsed, r.timeMs, { querier: o.querier, lookbackMs, subqueryStepMs: DEFAULT_SUBQUERY_STEP_MS, limits, ...(r.tier !== undefined ? { tier: r.tier } : {}) }));
    },
    range: (r) => {
      const parsed = parseQuery(r.query);
      return run(r, (limits, lookbackMs) => runRangeQuery(parsed, r.startMs, r.endMs, r.stepMs, { querier: o.querier, lookbackMs, subqueryStepMs: DEFAULT_SUBQUERY_STEP_MS, limits, ...(r.tier !== undefined ? { tier: r.tier } : {}) }));
    },
    get active() {
      return active;
    },
  };
}

/**
 * The store's own reads may not yield (one select can be long); the deadline still answers the
 * client on time, and the evaluation stops at its next checkpoint.
 */
function withDeadline<T>(work: Promise<T>, deadline: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timedOut()), Math.max(0, deadline - performance.now()));
  });
  work.catch(() => undefined);
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}

/** At most `limit` holders; others queue in order until their deadline. */
class ConcurrencyGate {
  #inside = 0;
  readonly #queue: { resolve: () => void; timer: NodeJS.Timeout }[] = [];
  constructor(private readonly limit: number) {}

  enter(deadline: number): Promise<void> {
    if (this.#inside < this.limit) {
      this.#inside++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const entry = {
        resolve: () => {
          clearTimeout(entry.timer);
          this.#inside++;
          resolve();
        },
        timer: setTimeout(() => {
          this.#queue.splice(this.#queue.indexOf(entry), 1);
          reject(new CairnError(ErrorCodes.QUERY_TIMEOUT, 'query timed out in query queue'));
        }, Math.max(0, deadline - performance.now())),
      };
      this.#queue.push(entry);
    });
  }

  leave(): void {
    this.#inside--;
    this.#queue.shift()?.resolve();
  }
}
