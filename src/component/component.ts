/**
 * The one lifecycle every long-lived part of the agent has (receivers, the API, the store,
 * local sources, exporters): started once, shut down once.
 */
export interface Component {
  /** Starts work; rejects when the component cannot run (the agent then stops what it started). */
  start(): Promise<void>;
  /**
   * Stops taking work, flushes what it holds and releases its resources. Idempotent and safe
   * before `start`; stops waiting for work in flight once `deadlineMs` has passed.
   */
  shutdown(deadlineMs: number): Promise<void>;
}
