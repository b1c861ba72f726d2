export interface BodyWatchSettings {
  /** Bytes per second a body must average once `graceMs` has passed; 0: no minimum. */
  readonly minRate: number;
  readonly graceMs: number;
  /** Longest a body may take in full. */
  readonly timeoutMs: number;
}

/** Why a body was given up on. */
export type SlowBody = 'rate' | 'timeout';

/** One body being received: its receiver adds bytes as they arrive and ends it when done. */
export interface WatchedBody {
  received(bytes: number): void;
  end(): void;
}

interface Entry {
  readonly startedMs: number;
  bytes: number;
  readonly onSlow: (why: SlowBody) => void;
}

const TICK_MS = 500;

/**
 * Slow-loris protection for request bodies: one timer for every body in flight checks that
 * each keeps up an average rate once its grace period is over and finishes within the
 * timeout. A body a byte at a time holds a connection (and, since budget is taken as bytes
 * arrive, almost no budget) for the grace period only.
 */
export class BodyWatch {
  #s: BodyWatchSettings;
  readonly #bodies = new Set<Entry>();
  #timer: NodeJS.Timeout | null = null;

  constructor(settings: BodyWatchSettings) {
    this.#s = settings;
  }

  update(settings: BodyWatchSettings): void {
    this.#s = settings;
  }

  watch(onSlow: (why: SlowBody) => void): WatchedBody {
    const entry: Entry = { startedMs: performance.now(), bytes: 0, onSlow };
    this.#bodies.add(entry);
    if (this.#timer === null) {
      this.#timer = setInterval(() => this.#check(), TICK_MS);
      this.#timer.unref();
    }
    return {
      received: (bytes) => {
        entry.bytes += bytes;
      },
      end: () => {
        this.#bodies.delete(entry);
        if (this.#bodies.size === 0 && this.#timer !== null) {
          clearInterval(this.#timer);
          this.#timer = null;
        }
      },
    };
  }

  #check(): void {
    const now = performance.now();
    const { minRate, graceMs, timeoutMs } = this.#s;
    for (const e of [...this.#bodies]) {
      const elapsed = now - e.startedMs;
      const why: SlowBody | null = elapsed > timeoutMs ? 'timeout' : minRate > 0 && elapsed > graceMs && (e.bytes * 1000) / elapsed < minRate ? 'rate' : null;
      if (why === null) continue;
      this.#bodies.delete(e);
      e.onSlow(why);
    }
  }
}
