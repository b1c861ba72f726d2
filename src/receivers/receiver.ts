import type { BodyWatch, ListenerSecurity, NetComponent, PeerLimits } from '../net/index.js';

/** A component that listens for data: started once, shut down once (idempotent). */
export type Receiver = NetComponent;

/** What stands between a receiver and a hostile or unauthenticated client. */
export interface ReceiverGuard {
  /** Bearer tokens and TLS material of this listener. */
  readonly security: ListenerSecurity;
  /** Connections and requests per peer address. */
  readonly peers: PeerLimits;
  /** Minimum body rate and body timeout (shared by the receivers). */
  readonly bodies: BodyWatch;
  /** Largest request body or message accepted (read per request: reloadable). */
  maxBytes(): number;
}
