import type { Reloadable, ReloadCommit } from '../component/index.js';
import type { Config } from '../config/index.js';
import { loadConfig } from '../config/index.js';
import type { Logger } from '../log/index.js';
import type { Counter, Registry } from '../telemetry/index.js';
import { restartOnlyChanges } from './restart-only.js';

export interface ConfigReloaderOptions {
  /** The file the agent was started with; undefined: the built-in defaults (nothing can change). */
  readonly file: string | undefined;
  readonly initial: Config;
  readonly logger: Logger;
  readonly registry: Registry;
  /** For tests: where configurations come from. */
  readonly load?: (file: string | undefined) => Config;
}

/**
 * Re-reads the configuration (SIGHUP, POST /-/reload) and hands it to every reloadable part.
 * A new configuration is taken whole or refused whole: unreadable or invalid, a change to a
 * key that needs a restart, or any part refusing in `prepare` leaves the agent running on
 * the old one, logged and counted (`cairn_config_reload_success` 0). Reloads run one
 * at a time; a request during one waits for it and then reloads again.
 */
export class ConfigReloader {
  readonly #o: ConfigReloaderOptions;
  readonly #parts: Reloadable[] = [];
  #current: Config;
  #running: Promise<string | null> = Promise.resolve(null);
  #successful = 1;
  #lastSuccessSeconds: number;
  readonly #reloads: Counter;

  constructor(o: ConfigReloaderOptions) {
    this.#o = o;
    this.#current = o.initial;
    this.#lastSuccessSeconds = Date.now() / 1000;
    this.#reloads = o.registry.counter('cairn_config_reloads_total', 'Configuration reloads (SIGHUP, POST /-/reload) by result (success, failure).');
    o.registry.gauge('cairn_config_reload_success', 'Whether the last configuration reload succeeded (1) or was refused and the old configuration kept (0).', () => this.#successful);
    o.registry.gauge('cairn_config_last_reload_success_timestamp_seconds', 'When the configuration was last loaded successfully (start or reload), seconds since the epoch.', () => this.#lastSuccessSeconds);
  }

  /** The configuration in force. */
  get current(): Config {
    return this.#current;
  }

  /** Adds a part; parts are prepared and committed in the order they were added. */
  add(part: Reloadable): void {
    this.#parts.push(part);
  }

  /** Reloads; resolves with null when the new configuration is in force, else why it was refused. */
  reload(): Promise<string | null> {
    this.#running = this.#running.then(() => this.#reload());
    return this.#running;
  }

  async #reload(): Promise<string | null> {
    const { logger } = this.#o;
    let next: Config;
    const commits: ReloadCommit[] = [];
    try {
      next = (this.#o.load ?? loadConfig)(this.#o.file);
      const fixed = restartOnlyChanges(this.#current, next);
      if (fixed.length > 0) throw new Error(`${fixed.join(', ')} changed; ${fixed.length === 1 ? 'it needs' : 'they need'} a restart`);
      for (const part of this.#parts) {
        try {
          commits.push(await part.prepare(next));
        } catch (err) {
          throw new Error(`${part.name}: ${(err as Error).message}`);
        }
      }
    } catch (err) {
      const reason = (err as Error).message;
      this.#successful = 0;
      this.#reloads.add(1, { result: 'failure' });
      logger.error('configuration reload refused; keeping the running configuration', { component: 'agent', file: this.#o.file ?? '(defaults)', error: reason });
      return reason;
    }
    for (const commit of commits) await commit();
    this.#current = next;
    this.#successful = 1;
    this.#lastSuccessSeconds = Date.now() / 1000;
    this.#reloads.add(1, { result: 'success' });
    logger.info('configuration reloaded', { component: 'agent', file: this.#o.file ?? '(defaults)' });
    return null;
  }
}
