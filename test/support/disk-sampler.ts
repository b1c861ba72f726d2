import { join } from 'node:path';
import { dirBytes } from './store-files.js';

// Samples the size of a store directory (recursive, apparent bytes of regular files) at a fixed
// period, remembering the largest total and what it was made of.

export interface DiskSample {
  readonly atMs: number;
  readonly total: number;
  readonly wal: number;
  readonly tier0: number;
  readonly index: number;
}

export class DiskSampler {
  readonly samples: DiskSample[] = [];
  #timer: NodeJS.Timeout | undefined;
  readonly #path: string;
  readonly #started = Date.now();

  constructor(storePath: string) {
    this.#path = storePath;
  }

  sample(): DiskSample {
    const p = this.#path;
    const wal = dirBytes(join(p, 'wal'));
    const tier0 = dirBytes(join(p, 'tier0'));
    const index = dirBytes(join(p, 'index'));
    // Everything else (LOCK, reserved tiers) counts too.
    const total = dirBytes(p);
    const s = { atMs: Date.now() - this.#started, total, wal, tier0, index };
    this.samples.push(s);
    return s;
  }

  start(everyMs: number): void {
    this.#timer = setInterval(() => this.sample(), everyMs);
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  max(): DiskSample {
    return this.samples.reduce((a, b) => (b.total > a.total ? b : a), { atMs: 0, total: 0, wal: 0, tier0: 0, index: 0 });
  }
}
