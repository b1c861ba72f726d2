/** A component that listens for data: started once, shut down once (idempotent). */
export interface Receiver {
  readonly name: string;
  /** The bound address (`host:port`) once started. */
  readonly address: string;
  start(): Promise<void>;
  /** Stop accepting, finish requests in flight, give up after the deadline. */
  shutdown(deadlineMs: number): Promise<void>;
}
