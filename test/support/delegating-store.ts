import type { Batch, SeriesRefTable } from '../../src/model/index.js';
import type { Querier } from '../../src/query/index.js';
import type { NonDurableMemoryStore, Store, StoreUsage, Tail } from '../../src/store/index.js';

/** A Store that hands everything to a memory store; tests override `append` to slow it down or fail it. */
export class DelegatingStore implements Store {
  protected readonly inner: NonDurableMemoryStore;

  constructor(inner: NonDurableMemoryStore) {
    this.inner = inner;
  }

  get ready(): boolean {
    return this.inner.ready;
  }

  hasSeries(hashHi: number, hashLo: number): boolean {
    return this.inner.hasSeries(hashHi, hashLo);
  }

  append(batch: Batch): Promise<void> {
    return this.inner.append(batch);
  }

  querier(): Querier {
    return this.inner.querier();
  }

  openTail(name: string): Promise<Tail> {
    return this.inner.openTail(name);
  }

  seriesRefs(): SeriesRefTable {
    return this.inner.seriesRefs();
  }

  usage(): StoreUsage {
    return this.inner.usage();
  }

  start(): Promise<void> {
    return this.inner.start();
  }

  shutdown(deadlineMs: number): Promise<void> {
    return this.inner.shutdown(deadlineMs);
  }
}
