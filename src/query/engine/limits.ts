import { CairnError, ErrorCodes } from '../../errors/index.js';

/** Limits one query runs under. */
export interface QueryLimits {
  /** Most samples a query may hold at once (Prometheus' --query.max-samples, 50,000,000). */
  readonly maxSamples: number;
  /** Milliseconds since the epoch (performance clock) after which the query fails with a timeout. */
  readonly deadline: number;
  /** Longest stretch, in ms, evaluation may keep the event loop before yielding to it. */
  readonly sliceMs: number;
  /** Aborts the query (the client went away, the agent is stopping). */
  readonly signal?: AbortSignal;
}

export const DEFAULT_MAX_SAMPLES = 50_000_000;

export function tooManySamples(): CairnError {
  return new CairnError(ErrorCodes.QUERY_TOO_MANY_SAMPLES, 'query processing would load too many samples into memory in query execution');
}

export function timedOut(): CairnError {
  return new CairnError(ErrorCodes.QUERY_TIMEOUT, 'query timed out in query execution');
}

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Keeps one query honest: counts the samples it holds, fails it past its deadline, and hands
 * the event loop back to ingest every `sliceMs` (the query runs on the main thread, where the
 * receivers run too; see docs/query.md).
 */
export class QueryBudget {
  readonly #limits: QueryLimits;
  #samples = 0;
  #sliceStart = performance.now();

  constructor(limits: QueryLimits) {
    this.#limits = limits;
  }

  /** Adds samples now held in memory; throws `too many samples` past the limit. */
  hold(samples: number): void {
    this.#samples += samples;
    if (this.#samples > this.#limits.maxSamples) throw tooManySamples();
  }

  release(samples: number): void {
    this.#samples -= samples;
  }

  /**
   * Called once per series or group: cheap (a clock read) unless the slice is used up, then
   * yields and checks the deadline. One series' read can take milliseconds, so every call looks
   * at the clock.
   */
  async checkpoint(): Promise<void> {
    const now = performance.now();
    if (now - this.#sliceStart < this.#limits.sliceMs) return;
    this.#check(now);
    await yieldToLoop();
    this.#sliceStart = performance.now();
    this.#check(this.#sliceStart);
  }

  #check(now: number): void {
    if (this.#limits.signal?.aborted === true) throw timedOut();
    if (now > this.#limits.deadline) throw timedOut();
  }
}
