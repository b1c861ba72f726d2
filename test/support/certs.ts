import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** PEM files made by openssl for one test run (paths), and their contents. */
export interface TestCerts {
  readonly dir: string;
  /** The CA the agent's server certificate and the good client certificates chain to. */
  readonly caCert: string;
  /** Server certificate for localhost / 127.0.0.1, and its key. */
  readonly serverCert: string;
  readonly serverKey: string;
  /** A second server certificate (another serial) for rotation tests. */
  readonly serverCert2: string;
  readonly serverKey2: string;
  /** A server certificate whose validity ended before it began (expired). */
  readonly expiredServerCert: string;
  readonly expiredServerKey: string;
  /** A client certificate signed by the CA, and its key. */
  readonly clientCert: string;
  readonly clientKey: string;
  /** A client certificate signed by another CA. */
  readonly strangerCert: string;
  readonly strangerKey: string;
  /** A client certificate from the right CA, expired. */
  readonly expiredClientCert: string;
  readonly expiredClientKey: string;
  read(path: string): Buffer;
  remove(): void;
}

/** Whether openssl (Debian package openssl) is on the PATH. */
export function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Makes a CA, server and client certificates (EC P-256) with openssl in a temporary directory. */
export function makeTestCerts(): TestCerts {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-certs-'));
  const p = (name: string): string => join(dir, name);
  const ssl = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  };
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  const ca = (name: string): void => ssl('req', '-x509', ...ec, '-keyout', p(`${name}.key`), '-out', p(`${name}.crt`), '-subj', `/CN=${name}`, '-days', '2');
  writeFileSync(p('server.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  writeFileSync(p('client.ext'), 'extendedKeyUsage=clientAuth\n');
  const leaf = (name: string, issuer: string, ext: string, days: string): void => {
    ssl('req', ...ec, '-keyout', p(`${name}.key`), '-out', p(`${name}.csr`), '-subj', `/CN=${name}`);
    // A negative -days makes the certificate end before it begins: expired.
    ssl('x509', '-req', '-in', p(`${name}.csr`), '-CA', p(`${issuer}.crt`), '-CAkey', p(`${issuer}.key`), '-CAcreateserial', '-out', p(`${name}.crt`), '-days', days, '-extfile', p(ext));
  };
  ca('ca');
  ca('stranger-ca');
  leaf('server', 'ca', 'server.ext', '2');
  leaf('server2', 'ca', 'server.ext', '2');
  leaf('expired-server', 'ca', 'server.ext', '-1');
  leaf('client', 'ca', 'client.ext', '2');
  leaf('stranger', 'stranger-ca', 'client.ext', '2');
  leaf('expired-client', 'ca', 'client.ext', '-1');
  return {
    dir,
    caCert: p('ca.crt'),
    serverCert: p('server.crt'),
    serverKey: p('server.key'),
    serverCert2: p('server2.crt'),
    serverKey2: p('server2.key'),
    expiredServerCert: p('expired-server.crt'),
    expiredServerKey: p('expired-server.key'),
    clientCert: p('client.crt'),
    clientKey: p('client.key'),
    strangerCert: p('stranger.crt'),
    strangerKey: p('stranger.key'),
    expiredClientCert: p('expired-client.crt'),
    expiredClientKey: p('expired-client.key'),
    read: (path) => readFileSync(path),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
