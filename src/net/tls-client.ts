import type { PeerCertificate } from 'node:tls';
import { createSecureContext, type ConnectionOptions } from 'node:tls';
import type { TlsClientConfig } from '../config/index.js';
import { MIN_VERSION, readPem, tlsError } from './tls-files.js';

/**
 * What an outgoing TLS connection is made with (node:tls / https.Agent options): the CA to
 * check the server against, the client certificate for mTLS, the least version, and the
 * name checked. `insecure_skip_verify` turns both the chain and the name check off.
 */
export interface ClientTlsOptions {
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
  readonly minVersion: NonNullable<ConnectionOptions['minVersion']>;
  readonly servername?: string;
  readonly rejectUnauthorized: boolean;
  /** Set only with insecure_skip_verify: accepts any name. */
  readonly checkServerIdentity?: (host: string, cert: PeerCertificate) => Error | undefined;
}

/** The files a client TLS config reads (watched for rotation). */
export const clientTlsFiles = (c: TlsClientConfig): readonly string[] => [c.ca_file, c.cert_file, c.key_file].filter((f) => f !== '');

/** Reads an exporter's CA and client certificate and checks they make a secure context; throws CAIRN_ERR_TLS_FILES naming the file. */
export function readClientTls(c: TlsClientConfig): ClientTlsOptions {
  if ((c.cert_file === '') !== (c.key_file === '')) throw tlsError('tls.cert_file and tls.key_file go together (a client certificate and its key)');
  const options: ClientTlsOptions = {
    ...(c.ca_file !== '' ? { ca: readPem(c.ca_file, 'CA') } : {}),
    ...(c.cert_file !== '' ? { cert: readPem(c.cert_file, 'client certificate'), key: readPem(c.key_file, 'client key') } : {}),
    minVersion: MIN_VERSION[c.min_version],
    ...(c.server_name !== '' ? { servername: c.server_name } : {}),
    rejectUnauthorized: !c.insecure_skip_verify,
    ...(c.insecure_skip_verify ? { checkServerIdentity: () => undefined } : {}),
  };
  try {
    createSecureContext(options);
  } catch (err) {
    throw tlsError(`${[c.ca_file, c.cert_file, c.key_file].filter((f) => f !== '').join(', ')} do not make a TLS context: ${(err as Error).message}`);
  }
  return options;
}
