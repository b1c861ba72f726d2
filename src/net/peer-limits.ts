import type { Server } from 'node:net';
import type { Counter, Registry } from '../telemetry/index.js';

export interface PeerLimitSettings {
  /** Connections one peer address may hold open on the listener; 0: no limit. */
  readonly maxConnections: number;
  /** Requests one peer address may have in flight on the listener; 0: no limit. */
  readonly maxInflight: number;
}

/**
 * Per-peer caps for one listener, so one address cannot take every connection or every
 * request slot. A connection over the cap is closed before any byte is read (before a TLS
 * handshake too); a request over the cap gets the receiver's retryable refusal. A peer is an
 * IP address: clients behind one NAT, or every client on this host, share its allowance, which
 * is why the defaults are generous.
 */
export class PeerLimits {
  #s: PeerLimitSettings;
  readonly #listener: string;
  readonly #connections = new Map<string, number>();
  readonly #inflight = new Map<string, number>();
  readonly #refused: Counter;

  constructor(listener: string, settings: PeerLimitSettings, registry: Registry) {
    this.#listener = listener;
    this.#s = settings;
    this.#refused = registry.counter('cairn_listener_refused_total', 'Connections closed and requests refused by per-peer limits, by listener and reason (connections_per_peer, requests_per_peer).');
  }

  update(settings: PeerLimitSettings): void {
    this.#s = settings;
  }

  /** Counts the server's connections per peer and closes those over the cap. */
  attach(server: Server): void {
    server.on('connection', (socket) => {
      const peer = socket.remoteAddress ?? '';
      const n = (this.#connections.get(peer) ?? 0) + 1;
      if (this.#s.maxConnections > 0 && n > this.#s.maxConnections) {
        this.#refused.add(1, { listener: this.#listener, reason: 'connections_per_peer' });
        socket.destroy();
        return;
      }
      this.#connections.set(peer, n);
      socket.once('close', () => decrement(this.#connections, peer));
    });
  }

  /** Takes a request slot for the peer; false when it already has its most in flight. */
  acquire(peer: string): boolean {
    const n = (this.#inflight.get(peer) ?? 0) + 1;
    if (this.#s.maxInflight > 0 && n > this.#s.maxInflight) {
      this.#refused.add(1, { listener: this.#listener, reason: 'requests_per_peer' });
      return false;
    }
    this.#inflight.set(peer, n);
    return true;
  }

  release(peer: string): void {
    decrement(this.#inflight, peer);
  }
}

function decrement(map: Map<string, number>, key: string): void {
  const n = (map.get(key) ?? 0) - 1;
  if (n <= 0) map.delete(key);
  else map.set(key, n);
}
