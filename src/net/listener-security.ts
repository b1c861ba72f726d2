import type { Server as TlsServer } from 'node:tls';
import type { TlsServerConfig } from '../config/index.js';
import { CairnError, ErrorCodes } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import type { Counter, Registry } from '../telemetry/index.js';
import type { AuthVerdict, TokenSources } from './bearer-tokens.js';
import { BearerTokens } from './bearer-tokens.js';
import { FileWatch } from './file-watch.js';
import type { ServerTlsOptions } from './tls-files.js';
import { readServerTls, serverTlsFiles, tlsEnabled } from './tls-files.js';

export interface ListenerSecurityConfig {
  readonly tls: TlsServerConfig;
  readonly auth: TokenSources;
}

export interface ListenerSecurityOptions {
  readonly logger: Logger;
  readonly registry: Registry;
  /** How often certificate files are checked for replacement. */
  readonly watchIntervalMs?: number;
}

/**
 * One listener's credentials: the bearer tokens it accepts and its TLS material. Certificate
 * files are watched (FileWatch) and a replaced certificate is put in place without a restart;
 * a half-written pair (new certificate, old key) is retried until it makes a context, and
 * until then the old one keeps serving. Authentication failures are counted, never logged
 * with the token.
 */
export class ListenerSecurity {
  readonly listener: string;
  #config: ListenerSecurityConfig;
  #tokens: BearerTokens;
  #tls: ServerTlsOptions | null;
  readonly #watch: FileWatch;
  #server: TlsServer | null = null;
  readonly #o: ListenerSecurityOptions;
  readonly #failures: Counter;
  readonly #rotations: Counter;

  /** Reads tokens and certificates; throws a CairnError naming the file that is wrong. */
  constructor(listener: string, config: ListenerSecurityConfig, o: ListenerSecurityOptions) {
    this.listener = listener;
    this.#o = o;
    this.#config = config;
    this.#tokens = BearerTokens.load(config.auth);
    this.#tls = readServerTls(config.tls);
    this.#watch = new FileWatch(() => serverTlsFiles(this.#config.tls), o.watchIntervalMs);
    this.#failures = o.registry.counter('cairn_auth_failures_total', 'Requests refused for a missing or wrong bearer token, by listener and reason (missing, invalid).');
    this.#rotations = o.registry.counter('cairn_tls_reloads_total', 'TLS certificate reloads by listener and result (success, failure); failures keep the previous certificate.');
  }

  /** The options to create the server with; null when TLS is off. */
  get tls(): ServerTlsOptions | null {
    return this.#tls;
  }

  get authEnabled(): boolean {
    return this.#tokens.enabled;
  }

  /** Checks a request's `authorization` value, counting refusals. */
  authorize(authorization: string | readonly string[] | undefined): AuthVerdict {
    const verdict = this.#tokens.check(authorization);
    if (verdict !== 'ok') this.#failures.add(1, { listener: this.listener, reason: verdict });
    return verdict;
  }

  /** Starts following certificate rotation on the listening server (when TLS is on). */
  serve(server: TlsServer | null): void {
    if (server === null || this.#tls === null) return;
    this.#server = server;
    server.on('tlsClientError', () => this.#failures.add(1, { listener: this.listener, reason: 'tls_handshake' }));
    this.#watch.start({
      load: () => {
        const tls = readServerTls(this.#config.tls);
        if (tls !== null) this.#install(tls);
      },
      failed: (err) => {
        this.#rotations.add(1, { listener: this.listener, result: 'failure' });
        this.#o.logger.warn('tls files changed but cannot be used; keeping the previous certificate', { component: this.listener, error: err.message });
      },
    });
  }

  /**
   * Reads the new tokens and certificates; returns what puts them in place, or throws (the old
   * ones stay). Turning TLS or client-certificate checking on or off needs a new server: refused.
   */
  prepareReload(next: ListenerSecurityConfig): () => void {
    const wasTls = tlsEnabled(this.#config.tls);
    if (wasTls !== tlsEnabled(next.tls)) throw new CairnError(ErrorCodes.RELOAD_REFUSED, `${this.listener}: turning TLS ${wasTls ? 'off' : 'on'} needs a restart`);
    if ((this.#config.tls.client_ca_file === '') !== (next.tls.client_ca_file === '')) {
      throw new CairnError(ErrorCodes.RELOAD_REFUSED, `${this.listener}: turning client certificate checking on or off needs a restart`);
    }
    const tokens = BearerTokens.load(next.auth);
    const tls = readServerTls(next.tls);
    return () => {
      this.#config = next;
      this.#tokens = tokens;
      if (tls !== null) this.#install(tls);
      this.#watch.mark();
    };
  }

  close(): void {
    this.#watch.stop();
  }

  #install(tls: ServerTlsOptions): void {
    this.#tls = tls;
    if (this.#server === null) return;
    this.#server.setSecureContext(tls);
    this.#rotations.add(1, { listener: this.listener, result: 'success' });
    this.#o.logger.info('tls certificate loaded', { component: this.listener, cert_file: this.#config.tls.cert_file });
  }
}
