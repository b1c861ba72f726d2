import type { NetComponent } from '../net/index.js';

/** A component that listens for data: started once, shut down once (idempotent). */
export type Receiver = NetComponent;
