import { CairnError, ErrorCodes } from '../../errors/index.js';

type Outcome = 'appended' | 'closed';

/**
 * The in-process "new records" signal readers wait on: one shared promise per generation,
 * replaced each time the WAL writes, so a thousand waiting readers cost one promise.
 * It resolves (never rejects) underneath, so no waiter can leave an unhandled rejection.
 */
export class WalSignal {
  #next: { promise: Promise<Outcome>; resolve: (o: Outcome) => void } | null = null;
  #closed = false;

  notify(): void {
    this.#next?.resolve('appended');
    this.#next = null;
  }

  close(): void {
    this.#closed = true;
    this.#next?.resolve('closed');
    this.#next = null;
  }

  async wait(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.#closed) throw shuttingDown();
    if (this.#next === null) {
      let resolve!: (o: Outcome) => void;
      const promise = new Promise<Outcome>((r) => (resolve = r));
      this.#next = { promise, resolve };
    }
    const outcome = await (signal === undefined ? this.#next.promise : abortable(this.#next.promise, signal));
    if (outcome === 'closed') throw shuttingDown();
  }
}

function abortable(promise: Promise<Outcome>, signal: AbortSignal): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    void promise.then((o) => {
      signal.removeEventListener('abort', onAbort);
      resolve(o);
    });
  });
}

function shuttingDown(): CairnError {
  return new CairnError(ErrorCodes.SHUTTING_DOWN, 'WAL is closed');
}
