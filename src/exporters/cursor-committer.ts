import type { Logger } from '../log/index.js';
import type { Tail, TailPosition } from '../store/index.js';

/**
 * Persists the cursor behind delivery without holding it up: each commit is an fsynced file
 * replace, so while one is being written only the newest position waits for the next write.
 * A crash between an acknowledgement and its commit resends that data (counted as replayed).
 */
export class CursorCommitter {
  readonly #tail: Tail;
  readonly #logger: Logger;
  readonly #exporter: string;
  #next: TailPosition | null = null;
  #writing: Promise<void> | null = null;
  #failures = 0;

  constructor(tail: Tail, logger: Logger, exporter: string) {
    this.#tail = tail;
    this.#logger = logger;
    this.#exporter = exporter;
  }

  commit(position: TailPosition): void {
    this.#next = position;
    this.#writing ??= this.#drain();
  }

  /** Resolves once every position given so far is durable (or failed and logged). */
  async flush(): Promise<void> {
    while (this.#writing !== null) await this.#writing;
  }

  async #drain(): Promise<void> {
    while (this.#next !== null) {
      const position = this.#next;
      this.#next = null;
      try {
        await this.#tail.commit(position);
        this.#failures = 0;
      } catch (err) {
        // The old cursor stays valid: the worst case is resending what was delivered since.
        if (this.#failures++ === 0) this.#logger.warn('exporter cursor not saved', { component: 'exporter', exporter: this.#exporter, error: (err as Error).message });
      }
    }
    this.#writing = null;
  }
}
