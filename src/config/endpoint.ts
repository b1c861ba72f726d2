import { isIPv4, isIPv6 } from 'node:net';

export interface Endpoint {
  /** Host to listen on; IPv6 addresses come without their brackets. */
  readonly host: string;
  /** 0 asks the OS for an ephemeral port. */
  readonly port: number;
}

const ENDPOINT_RE = /^(\[[^\]]*\]|[^:[\]]+):(\d{1,5})$/;
const LABEL_RE = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const NUMERIC_RE = /^\d+$/;
const MAX_PORT = 65535;
const MAX_HOSTNAME_LENGTH = 253;

/**
 * Splits `host:port` where host is an IPv4 address, a DNS name or a bracketed
 * IPv6 address. An empty host (`:4317`) is refused on purpose: listening on
 * every interface must be spelled out as `0.0.0.0` or `[::]`.
 */
export function parseEndpoint(input: string): Endpoint | undefined {
  const match = ENDPOINT_RE.exec(input);
  if (!match) return undefined;
  const [, rawHost = '', rawPort = ''] = match;
  const port = Number(rawPort);
  if (port > MAX_PORT) return undefined;
  if (rawHost.startsWith('[')) {
    const host = rawHost.slice(1, -1);
    return isIPv6(host) ? { host, port } : undefined;
  }
  return isIPv4(rawHost) || isHostname(rawHost) ? { host: rawHost, port } : undefined;
}

function isHostname(host: string): boolean {
  if (host.length > MAX_HOSTNAME_LENGTH) return false;
  const labels = host.split('.');
  // A name ending in a number would be a mistyped IPv4 address (`10.0.0.256`),
  // which resolvers may still accept in surprising ways.
  if (NUMERIC_RE.test(labels[labels.length - 1] ?? '')) return false;
  return labels.every((label) => LABEL_RE.test(label));
}
