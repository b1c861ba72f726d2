import type { ExporterConfig } from '../../config/index.js';
import { CairnError, ErrorCodes } from '../../errors/index.js';
import type { Logger } from '../../log/index.js';
import type { ClientTlsOptions } from '../../net/index.js';
import { clientTlsFiles, FileWatch, readClientTls, readTokenFile } from '../../net/index.js';
import type { Counter, Registry } from '../../telemetry/index.js';

/** What an exporter presents upstream, read from the config and its files. */
export interface CredentialMaterial {
  readonly tls: ClientTlsOptions;
  /** The `authorization` value, or undefined without a token. */
  readonly authorization: string | undefined;
}

/** What a transport reads per request: the TLS options and a version that changes when they do. */
export interface TlsSource {
  readonly tls: ClientTlsOptions;
  readonly version: number;
}

export interface CredentialDeps {
  readonly logger: Logger;
  readonly registry: Registry;
  /** How often certificate and token files are checked for replacement. */
  readonly watchIntervalMs?: number;
}

/** Reads an exporter's certificates and token; throws a CairnError naming the file (CAIRN_ERR_TLS_FILES, CAIRN_ERR_SECRET_FILE). */
export function readCredentials(c: ExporterConfig): CredentialMaterial {
  const tls = readClientTls(c.tls);
  let token = c.bearer_token;
  if (c.bearer_token_file !== '') token = readTokenFile(c.bearer_token_file)[0]!;
  if (/[\r\n]/.test(token)) throw new CairnError(ErrorCodes.SECRET_FILE, 'bearer_token holds a line break');
  return { tls, authorization: token === '' ? undefined : `Bearer ${token}` };
}

const credentialFiles = (c: ExporterConfig): readonly string[] => [...clientTlsFiles(c.tls), c.bearer_token_file].filter((f) => f !== '');

/**
 * One exporter's credentials, kept current: its certificate and token files are watched
 * (net/file-watch.ts, shared with the listeners) and re-read when they change on disk or on a
 * reload, so a rotation needs no restart; a file that cannot be used keeps the previous
 * material (logged once, counted). Senders read `tls`/`version` and `headers()` per request.
 * The token is never logged.
 */
export class ExporterCredentials implements TlsSource {
  readonly #exporter: string;
  readonly #config: ExporterConfig;
  readonly #deps: CredentialDeps;
  readonly #watch: FileWatch;
  readonly #reloads: Counter;
  #material: CredentialMaterial;
  #version = 0;

  /** Reads the files now: throws naming a file that cannot be used. */
  constructor(exporter: string, config: ExporterConfig, deps: CredentialDeps) {
    this.#exporter = exporter;
    this.#config = config;
    this.#deps = deps;
    this.#material = readCredentials(config);
    this.#watch = new FileWatch(() => credentialFiles(config), deps.watchIntervalMs);
    this.#reloads = deps.registry.counter('cairn_exporter_credential_reloads_total', "Exporter certificate and token file reloads by exporter and result (success, failure); failures keep the previous ones.");
  }

  get tls(): ClientTlsOptions {
    return this.#material.tls;
  }

  /** Grows each time new material is put in place (transports then open new connections). */
  get version(): number {
    return this.#version;
  }

  /** The configured headers with the `authorization` token (which wins over a header of that name). */
  headers(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.#config.headers)) if (this.#material.authorization === undefined || k.toLowerCase() !== 'authorization') out[k] = v;
    if (this.#material.authorization !== undefined) out['authorization'] = this.#material.authorization;
    return out;
  }

  /** Starts following the files. */
  start(): void {
    this.#watch.start({
      load: () => this.#install(readCredentials(this.#config), 'changed on disk'),
      failed: (err) => {
        this.#reloads.add(1, { exporter: this.#exporter, result: 'failure' });
        this.#deps.logger.warn('exporter credential files changed but cannot be used; keeping the previous ones', { component: 'exporter', exporter: this.#exporter, error: err.message });
      },
    });
  }

  /** Reads the files again (a reload that left this exporter's settings as they were); throws to refuse, else returns the commit. */
  prepareReread(): () => void {
    // Without files, everything comes from the config, which did not change.
    if (credentialFiles(this.#config).length === 0) return () => undefined;
    const material = readCredentials(this.#config);
    return () => {
      this.#install(material, 'reload');
      this.#watch.mark();
    };
  }

  close(): void {
    this.#watch.stop();
  }

  #install(material: CredentialMaterial, why: string): void {
    this.#material = material;
    this.#version++;
    this.#reloads.add(1, { exporter: this.#exporter, result: 'success' });
    this.#deps.logger.info('exporter credentials re-read', { component: 'exporter', exporter: this.#exporter, why, files: credentialFiles(this.#config) });
  }
}
