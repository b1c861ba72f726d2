import { connect } from 'node:net';
import { sleep } from '../sleep.js';

/** host and port of an endpoint URL or `host:port`. */
export function hostPort(endpoint: string): { readonly host: string; readonly port: number } | undefined {
  try {
    const u = new URL(/^[a-z]+:\/\//i.test(endpoint) ? endpoint : `http://${endpoint}`);
    const port = u.port !== '' ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
    return { host: u.hostname.replace(/^\[|\]$/g, ''), port };
  } catch {
    return undefined;
  }
}

/**
 * Resolves once a TCP connection to the endpoint opens (tried every `everyMs`), or when the
 * signal aborts. Lets a retry waiting out a long backoff after refused connections go as soon
 * as the upstream listens again, at the cost of one connect per interval, not one request.
 */
export async function whenReachable(endpoint: string, everyMs: number, signal: AbortSignal): Promise<void> {
  const target = hostPort(endpoint);
  if (target === undefined) return new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  while (!signal.aborted) {
    if (await tryConnect(target.host, target.port, everyMs)) return;
    await sleep(everyMs, signal);
  }
}

function tryConnect(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
