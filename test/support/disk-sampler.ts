import { join } from 'node:path';
import { datafiles, dirBytes } from './store-files.js';

// Samples the size of a store directory (recursive, apparent bytes of regular files) at a fixed
// period, remembering the largest total and what it was made of.

export interface DiskSample {
  readonly atMs: number;
  readonly total: number;
  readonly wal: number;
  readonly tier0: number;
  readonly tier1: number;
  readonly tier2: number;
  readonly head: number;
  readonly index: number;
}

export class DiskSampler {
  readonly samples: DiskSample[] = [];
  /** Largest size seen of every datafile (tier0/*.cdf), deleted ones included. */
  readonly datafileMax = new Map<string, number>();
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
    const tier1 = dirBytes(join(p, 'tier1'));
    const tier2 = dirBytes(join(p, 'tier2'));
    const head = dirBytes(join(p, 'head'));
    const index = dirBytes(join(p, 'index'));
    // Everything else (LOCK, reserved tiers) counts too.
    const total = dirBytes(p);
    for (const f of datafiles(p)) this.datafileMax.set(f.name, Math.max(f.bytes, this.datafileMax.get(f.name) ?? 0));
    const s = { atMs: Date.now() - this.#started, total, wal, tier0, tier1, tier2, head, index };
    this.samples.push(s);
    return s;
  }

  start(everyMs: number): void {
    this.#timer = setInterval(() => this.sample(), everyMs);
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** Bytes written to datafiles so far, as far as the samples saw (a lower bound). */
  datafileBytesSeen(): number {
    let n = 0;
    for (const b of this.datafileMax.values()) n += b;
    return n;
  }

  max(): DiskSample {
    return this.samples.reduce((a, b) => (b.total > a.total ? b : a), { atMs: 0, total: 0, wal: 0, tier0: 0, tier1: 0, tier2: 0, head: 0, index: 0 });
  }
}
