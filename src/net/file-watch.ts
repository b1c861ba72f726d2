import { statSync } from 'node:fs';

/** A fingerprint of files (inode, size, mtime of each): changes when any is replaced or rewritten. */
export function filesFingerprint(files: readonly string[]): string {
  return files
    .filter((f) => f !== '')
    .map((f) => {
      try {
        const s = statSync(f);
        return `${s.ino}:${s.size}:${s.mtimeMs}`;
      } catch {
        return 'missing';
      }
    })
    .join('|');
}

/** What a watch does when its files change: `load` reads and installs them, or throws to keep the old ones. */
export interface FileWatchHandlers {
  readonly load: () => void;
  /** Called once per new state of the files that `load` refused (a rotation half done is retried every tick). */
  readonly failed: (err: Error) => void;
}

const DEFAULT_INTERVAL_MS = 2000;

/**
 * Follows a set of credential files (certificates, keys, token files) by polling their
 * fingerprint: stat every couple of seconds, which also follows the symlink swaps of Kubernetes
 * secret volumes. When the files change `load` runs; when it throws (often a rotation caught
 * between its two files) it is tried again on the next tick, and `failed` is told once per state.
 * Shared by the listeners (net/listener-security.ts) and the exporters.
 */
export class FileWatch {
  readonly #files: () => readonly string[];
  readonly #intervalMs: number;
  #fingerprint: string;
  #warnedFor = '';
  #timer: NodeJS.Timeout | null = null;

  constructor(files: () => readonly string[], intervalMs = DEFAULT_INTERVAL_MS) {
    this.#files = files;
    this.#intervalMs = intervalMs;
    this.#fingerprint = filesFingerprint(files());
  }

  start(handlers: FileWatchHandlers): void {
    if (this.#timer !== null) return;
    this.#timer = setInterval(() => this.#check(handlers), this.#intervalMs);
    this.#timer.unref();
  }

  /** Records the files' current state as loaded (after a reload read them). */
  mark(): void {
    this.#fingerprint = filesFingerprint(this.#files());
  }

  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }

  #check(handlers: FileWatchHandlers): void {
    const fingerprint = filesFingerprint(this.#files());
    if (fingerprint === this.#fingerprint) return;
    try {
      handlers.load();
    } catch (err) {
      if (this.#warnedFor !== fingerprint) {
        this.#warnedFor = fingerprint;
        handlers.failed(err as Error);
      }
      return;
    }
    this.#fingerprint = fingerprint;
  }
}
