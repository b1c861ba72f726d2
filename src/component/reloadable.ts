import type { Config } from '../config/index.js';

/**
 * A part that takes a new configuration without a restart. Reload is two-phase so a new
 * configuration is taken whole or not at all: every part first `prepare`s (reads files,
 * compiles rules, checks what it cannot change) and throws to refuse, with nothing changed
 * yet; only when all have prepared are the returned commits run, in order.
 */
export interface Reloadable {
  /** Names the part in refusal messages and logs. */
  readonly name: string;
  prepare(next: Config): ReloadCommit | Promise<ReloadCommit>;
}

/** Puts a prepared configuration in place; must not fail for reasons `prepare` could have seen. */
export type ReloadCommit = () => void | Promise<void>;
