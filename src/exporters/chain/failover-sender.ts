import type { Logger } from '../../log/index.js';
import type { ExporterStats } from '../exporter-stats.js';
import type { SendOutcome, Sender } from '../send-outcome.js';
import { whenReachable } from '../transport/reachable.js';

/** What an admin sees per endpoint. */
export type EndpointState = 'active' | 'standby' | 'blocked' | 'circuit_open';

export interface EndpointStatus {
  readonly endpoint: string;
  readonly state: EndpointState;
  readonly consecutiveFailures: number;
  readonly lastError: string;
  readonly lastOkMs: number;
}

export interface FailoverOptions {
  /** Consecutive retryable failures before the circuit opens and traffic moves on. */
  readonly failoverAfter: number;
  /** How often a higher-priority endpoint gets a real request again. */
  readonly failbackIntervalMs: number;
  readonly now?: () => number;
}

/** An outcome that moved traffic to another endpoint: retry at once, there is somewhere to go. */
export type RoutedOutcome = SendOutcome & { readonly failedOver?: boolean };

interface Slot {
  readonly sender: Sender;
  readonly prepare: ((batch: Parameters<Sender['send']>[0]) => void) | undefined;
  readonly endpoint: string;
  failures: number;
  blocked: boolean;
  lastError: string;
  lastOkMs: number;
}

/**
 * A failover group: traffic goes to the highest-priority endpoint whose circuit is closed;
 * `failoverAfter` consecutive retryable failures open its circuit and move traffic to the next
 * (wrapping around, so a group with every endpoint down keeps trying each in turn). Every
 * `failbackIntervalMs` the highest-priority endpoint with an open circuit gets the next real
 * request; when it answers, traffic returns to it. One endpoint alone is a group of one.
 */
export class FailoverSender implements Sender {
  readonly #slots: Slot[];
  readonly #o: FailoverOptions;
  readonly #stats: ExporterStats;
  readonly #logger: Logger;
  readonly #now: () => number;
  #current = 0;
  #nextProbeMs = 0;
  /** When any endpoint last acknowledged a request (evidence the upstream works). */
  lastOkMs = 0;

  constructor(endpoints: readonly { sender: Sender; endpoint: string; prepare?: (batch: Parameters<Sender['send']>[0]) => void }[], o: FailoverOptions, stats: ExporterStats, logger: Logger) {
    this.#slots = endpoints.map((e) => ({ sender: e.sender, prepare: e.prepare, endpoint: e.endpoint, failures: 0, blocked: false, lastError: '', lastOkMs: 0 }));
    this.#o = o;
    this.#stats = stats;
    this.#logger = logger;
    this.#now = o.now ?? Date.now;
  }

  async send(batch: Parameters<Sender['send']>[0], signal: AbortSignal): Promise<RoutedOutcome> {
    const now = this.#now();
    if (this.#current > 0 && now >= this.#nextProbeMs) {
      // Real traffic is the probe: a health endpoint can be up while writes fail.
      this.#nextProbeMs = now + this.#o.failbackIntervalMs;
      const outcome = await this.#attempt(0, batch, signal);
      if (outcome.status !== 'retryable' && outcome.status !== 'refused') {
        this.#logger.info('exporter endpoint answers again; traffic returns to it', { component: 'exporter', exporter: this.#stats.exporter, endpoint: this.#slots[0]!.endpoint });
        this.#current = 0;
        return outcome;
      }
    }
    const index = this.#current;
    const outcome = await this.#attempt(index, batch, signal);
    if ((outcome.status === 'retryable' || outcome.status === 'refused') && this.#slots.length > 1 && this.#slots[index]!.failures >= this.#o.failoverAfter && !signal.aborted) {
      this.#current = (index + 1) % this.#slots.length;
      if (this.#current !== 0) this.#nextProbeMs = this.#now() + this.#o.failbackIntervalMs;
      this.#slots[this.#current]!.failures = 0;
      this.#logger.warn('exporter endpoint failing; traffic moves to the next one', {
        component: 'exporter',
        exporter: this.#stats.exporter,
        from: this.#slots[index]!.endpoint,
        to: this.#slots[this.#current]!.endpoint,
        error: outcome.message,
      });
      return { ...outcome, failedOver: true };
    }
    return outcome;
  }

  async #attempt(index: number, batch: Parameters<Sender['send']>[0], signal: AbortSignal): Promise<SendOutcome> {
    const slot = this.#slots[index]!;
    this.#stats.inFlight++;
    let outcome: SendOutcome;
    try {
      outcome = await slot.sender.send(batch, signal);
    } finally {
      this.#stats.inFlight--;
    }
    if (outcome.status === 'ok') {
      slot.failures = 0;
      slot.blocked = false;
      slot.lastOkMs = this.lastOkMs = this.#now();
      this.#stats.delivered(slot.endpoint, batch.pointCount - outcome.rejected);
    } else if (outcome.status === 'retryable' || outcome.status === 'refused') {
      if (signal.aborted) return outcome;
      slot.failures++;
      slot.blocked = outcome.failure === 'auth';
      slot.lastError = outcome.message;
      this.#stats.failed(slot.endpoint, outcome.failure, outcome.code, batch.pointCount);
    } else {
      // The upstream answered: it is reachable, the data was wrong.
      slot.failures = 0;
      slot.lastError = outcome.message;
    }
    return outcome;
  }

  /** Encodes the batch for the endpoint it will go to, ahead of sending it. */
  prepare(batch: Parameters<Sender['send']>[0]): void {
    this.#slots[this.#current]!.prepare?.(batch);
  }

  whenReachable(signal: AbortSignal): Promise<void> {
    return whenReachable(this.#slots[this.#current]!.endpoint, 500, signal);
  }

  status(): EndpointStatus[] {
    return this.#slots.map((s, i) => ({
      endpoint: s.endpoint,
      state: s.blocked ? 'blocked' : i === this.#current ? 'active' : i < this.#current || s.failures >= this.#o.failoverAfter ? 'circuit_open' : 'standby',
      consecutiveFailures: s.failures,
      lastError: s.lastError,
      lastOkMs: s.lastOkMs,
    }));
  }
}

