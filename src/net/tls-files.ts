import { readFileSync } from 'node:fs';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import type { TlsServerConfig } from '../config/index.js';
import { CairnError, ErrorCodes } from '../errors/index.js';

/** What a TLS server is created with: the secure context's material plus client-certificate checking. */
export interface ServerTlsOptions extends SecureContextOptions {
  readonly requestCert: boolean;
  readonly rejectUnauthorized: boolean;
}

export const MIN_VERSION = { '1.2': 'TLSv1.2', '1.3': 'TLSv1.3' } as const;

export const tlsEnabled = (c: TlsServerConfig): boolean => c.cert_file !== '';

/**
 * Reads a listener's certificate, key and client CA and checks they make a secure context (a
 * key that does not match its certificate fails here, naming the files, not at the first
 * handshake). Null when TLS is off.
 */
export function readServerTls(c: TlsServerConfig): ServerTlsOptions | null {
  if (!tlsEnabled(c)) {
    if (c.key_file !== '' || c.client_ca_file !== '') throw tlsError('tls.key_file and tls.client_ca_file need tls.cert_file');
    return null;
  }
  if (c.key_file === '') throw tlsError(`tls.cert_file ${c.cert_file} is set but tls.key_file is not`);
  const mtls = c.client_ca_file !== '';
  const options: ServerTlsOptions = {
    cert: readPem(c.cert_file, 'certificate'),
    key: readPem(c.key_file, 'private key'),
    ...(mtls ? { ca: readPem(c.client_ca_file, 'client CA') } : {}),
    minVersion: MIN_VERSION[c.min_version],
    requestCert: mtls,
    rejectUnauthorized: mtls,
  };
  try {
    createSecureContext(options);
  } catch (err) {
    throw tlsError(`${c.cert_file} and ${c.key_file} do not make a TLS context: ${(err as Error).message}`);
  }
  return options;
}

/** The files a listener's TLS config reads (watched for rotation). */
export const serverTlsFiles = (c: TlsServerConfig): readonly string[] => [c.cert_file, c.key_file, c.client_ca_file].filter((f) => f !== '');

/** Reads a PEM file, throwing a CairnError (CAIRN_ERR_TLS_FILES) that names it and what it should hold. */
export function readPem(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw tlsError(`cannot read the ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

export function tlsError(message: string): CairnError {
  return new CairnError(ErrorCodes.TLS_FILES, message);
}
