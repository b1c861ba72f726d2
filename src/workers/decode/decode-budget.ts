import { SharedBudget } from '../../model/index.js';

/** What a request alone in flight may take, as a multiple of its wire size, when that passes the budget. */
export const LONE_FACTOR = 4;

/** Decoding a request would need more than the in-flight budget: now (`refused`, retry later) or ever (`too_large`). */
export class DecodeBudgetError extends Error {
  readonly kind: 'refused' | 'too_large';

  constructor(kind: 'refused' | 'too_large', message: string) {
    super(message);
    this.kind = kind;
  }
}

/**
 * What decoding one request allocates, taken from the agent's in-flight budget (shared with
 * the receivers, which hold the request's wire bytes): the inflated body of a gzip request,
 * JSON's parse tree (estimated before parsing, json-scan.ts), the columns and the reply. A
 * request that could never fit is refused for good; one that does not fit now is refused with
 * the retryable answer, before the allocation, so memory stays within what the budget allows
 * whatever the body holds. The main thread releases what was taken when it answers.
 */
export class DecodeBudget {
  #budget: SharedBudget | null = null;
  #wire = 0;
  /** Taken for the current request. */
  held = 0;
  /** Of `held`, what share() took outside the ceiling (bounded by other limits). */
  #uncapped = 0;

  use(buffer: SharedArrayBuffer): void {
    this.#budget = new SharedBudget(buffer);
  }

  /** Starts a request whose body of `wireBytes` the receiver already holds budget for. */
  begin(wireBytes: number): void {
    this.#wire = wireBytes;
    this.held = 0;
    this.#uncapped = 0;
  }

  /**
   * Takes `bytes` for `what`, or throws DecodeBudgetError. A request may need at most the
   * whole budget, or LONE_FACTOR times its own size when that is more (a request larger than
   * a small budget is let in alone, and must still decode); beyond that it never could.
   */
  reserve(bytes: number, what: string): void {
    const b = this.#budget;
    if (b === null || bytes <= 0) return;
    const mine = this.#wire + this.held - this.#uncapped;
    const ceiling = Math.max(b.max, LONE_FACTOR * this.#wire);
    if (mine + bytes > ceiling) {
      throw new DecodeBudgetError('too_large', `decoding this request needs about ${mib(mine + bytes)} (${what}), more than limits.max_inflight_bytes (${mib(b.max)}) allows; send smaller requests`);
    }
    this.#take(b, bytes, what);
  }

  /**
   * Takes `bytes` for `what` when they fit beside the other requests in flight, or when this
   * request is alone (however much it needs: for allocations bounded otherwise), else throws
   * the retryable DecodeBudgetError.
   */
  share(bytes: number, what: string): void {
    const b = this.#budget;
    if (b === null || bytes <= 0) return;
    this.#take(b, bytes, what);
    this.#uncapped += bytes;
  }

  #take(b: SharedBudget, bytes: number, what: string): void {
    if (!b.take(bytes, this.#wire + this.held, true)) throw new DecodeBudgetError('refused', `the agent is over its in-flight budget of ${b.max} bytes while decoding (${what}); retry later`);
    this.held += bytes;
  }

  /** Gives back what the current request took (it failed: nobody else will). */
  abandon(): void {
    if (this.held > 0) this.#budget?.release(this.held);
    this.held = 0;
    this.#uncapped = 0;
  }
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}
