import type { Batch } from '../../src/model/index.js';
import type { NonDurableMemoryStore } from '../../src/store/index.js';
import { DelegatingStore } from './delegating-store.js';

/** A Store that waits `delayMs` before every append, delegating to a memory store. */
export class SlowStore extends DelegatingStore {
  readonly #delayMs: number;
  appends = 0;
  /** Appends started and not yet finished. */
  pending = 0;
  maxPending = 0;

  constructor(inner: NonDurableMemoryStore, delayMs: number) {
    super(inner);
    this.#delayMs = delayMs;
  }

  override async append(batch: Batch): Promise<void> {
    this.pending++;
    this.maxPending = Math.max(this.maxPending, this.pending);
    try {
      await new Promise((r) => setTimeout(r, this.#delayMs));
      await this.inner.append(batch);
      this.appends++;
    } finally {
      this.pending--;
    }
  }
}
