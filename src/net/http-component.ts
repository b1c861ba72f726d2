import * as http from 'node:http';
import * as https from 'node:https';
import type * as net from 'node:net';
import type { Component } from '../component/index.js';
import type { Logger } from '../log/index.js';
import { formatAddress, formatBound } from './endpoint-address.js';
import type { ListenerSecurity } from './listener-security.js';

/** A started-once, shut-down-once network component (receivers, the API). */
export interface NetComponent extends Component {
  readonly name: string;
  /** The bound address (`host:port`) once started. */
  readonly address: string;
}

/**
 * Wraps an `http.Server` as a component: `start` listens and logs `<what> listening` with the
 * bound address; `shutdown` stops accepting, lets requests in flight finish, and closes every
 * connection once the deadline passes.
 */
export function httpComponent(server: http.Server | https.Server, o: { name: string; host: string; port: number; logger: Logger; listeningMessage: string; tls?: boolean }): NetComponent {
  let bound = '';
  return {
    name: o.name,
    get address() {
      return bound;
    },
    async start() {
      await listen(server, o.host, o.port);
      bound = formatBound(server.address());
      o.logger.info(o.listeningMessage, { component: o.name, address: bound || formatAddress(o.host, o.port), tls: o.tls === true });
    },
    async shutdown(deadlineMs: number) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.closeAllConnections();
          resolve();
        }, deadlineMs);
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        server.closeIdleConnections();
      });
    },
  };
}

/**
 * An HTTP server, or HTTPS when `security` holds a certificate, as a component (httpComponent):
 * once listening, `security` serves the TLS server (certificates rotate into it), and it stops
 * watching its files at shutdown. `prepare` sees the server before it listens.
 */
export function securedHttpComponent(
  options: http.ServerOptions,
  onRequest: (req: http.IncomingMessage, res: http.ServerResponse) => void,
  security: ListenerSecurity | undefined,
  o: { name: string; host: string; port: number; logger: Logger; listeningMessage: string },
  prepare?: (server: http.Server) => void,
): NetComponent {
  const tls = security?.tls ?? null;
  const server = tls === null ? http.createServer(options, onRequest) : https.createServer({ ...options, ...tls }, onRequest);
  prepare?.(server);
  const component = httpComponent(server, { ...o, tls: tls !== null });
  return {
    ...component,
    get address() {
      return component.address;
    },
    async start() {
      await component.start();
      security?.serve(tls === null ? null : (server as https.Server));
    },
    async shutdown(deadlineMs: number) {
      security?.close();
      await component.shutdown(deadlineMs);
    },
  };
}

/** Listens on host:port; rejects with the listen error (port in use, no such address). */
export function listen(server: net.Server, host: string, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
