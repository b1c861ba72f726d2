/** Budget is asked for at least this much at a time, so a steady body costs few calls. */
const STEP = 64 * 1024;
/** A body is reserved ahead of its arrival by what its own rate brings in this long. */
const LEAD_MS = 1000;

/**
 * In-flight budget for a body, taken as its bytes arrive rather than for what the client
 * announced: each chunk reserves what has arrived plus a lead of what the body's own average
 * rate will bring in the next second (at least 64 KiB, at most what is still announced). A
 * fast client reserves its whole body with its first chunk, as if reserved up front; a
 * Content-Length of 16 MiB sent a byte at a time holds 64 KiB, not 16 MiB. When the lead does
 * not fit, only the bytes that did arrive must.
 */
export class BodyReservation {
  readonly #grow: (bytes: number) => boolean;
  /** Announced length, or NaN (chunked bodies, gRPC before the message prefix). */
  #declared: number;
  readonly #startedMs = performance.now();
  #received = 0;
  #held = 0;

  constructor(grow: (bytes: number) => boolean, declared: number) {
    this.#grow = grow;
    this.#declared = declared;
  }


  /** Records `bytes` arrived; false when the budget cannot hold them. */
  arrived(bytes: number): boolean {
    const received = (this.#received += bytes);
    if (received <= this.#held) return true;
    const elapsedMs = Math.max(1, performance.now() - this.#startedMs);
    // Whole bytes: the budget's shared counter is an integer.
    const rateLead = Math.ceil((received * LEAD_MS) / elapsedMs);
    const remaining = Number.isFinite(this.#declared) ? Math.max(0, this.#declared - received) : Infinity;
    const want = received + Math.min(remaining, Math.max(STEP, rateLead));
    if (this.#grow(want - this.#held)) {
      this.#held = want;
      return true;
    }
    if (this.#grow(received - this.#held)) {
      this.#held = received;
      return true;
    }
    return false;
  }
}
