import type { AddressInfo } from 'node:net';

/** `host:port` with IPv6 hosts bracketed, as logged and as accepted in config. */
export function formatAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

export function formatBound(address: AddressInfo | string | null): string {
  if (address === null) return '';
  if (typeof address === 'string') return address;
  return formatAddress(address.address, address.port);
}
