import type { Logger } from '../../log/index.js';
import type { ExporterStats } from '../exporter-stats.js';
import type { ForwardBatch } from '../forward-batch.js';
import { splitByPoints, splitBySeries } from '../forward-batch.js';
import type { SendOutcome } from '../send-outcome.js';
import type { SuspectOutcome } from './retry-sender.js';

/** How delivering a batch ended: every point delivered or dropped and counted; or not yet. */
export type Delivery =
  | { readonly status: 'done' }
  /** Parts still fail with server errors and nothing proves the upstream works: try again later. */
  | { readonly status: 'unproven'; readonly message: string }
  /** Shutdown came first; nothing after the last commit counts as delivered. */
  | { readonly status: 'aborted' };

export interface RetryingSender {
  send(batch: ForwardBatch, signal: AbortSignal): Promise<SendOutcome | SuspectOutcome>;
}

export interface BisectOptions {
  /** When the upstream last acknowledged anything (the failover group knows). */
  readonly lastOkMs: () => number;
  readonly now?: () => number;
}

/**
 * The outermost wrapper: turns one batch into delivered or counted points. A request too large
 * is halved by points; a Prometheus out-of-order refusal is halved by series (one bad series
 * no longer loses the rest), and for a batch sent again after a restart a one-series slice so
 * refused is already delivered; a batch that keeps failing with server errors is halved until
 * the failing point is alone, and parked (dropped, counted) once the upstream has accepted
 * other data since it began failing, so one poisoned point never blocks the exporter.
 */
export class BisectSender {
  readonly #inner: RetryingSender;
  readonly #stats: ExporterStats;
  readonly #logger: Logger;
  readonly #o: BisectOptions;
  readonly #loggedReasons = new Set<string>();

  constructor(inner: RetryingSender, stats: ExporterStats, logger: Logger, o: BisectOptions) {
    this.#inner = inner;
    this.#stats = stats;
    this.#logger = logger;
    this.#o = o;
  }

  /** `replay`: the batch was read again after a restart (its points may already be upstream). */
  async deliver(batch: ForwardBatch, replay: boolean, signal: AbortSignal): Promise<Delivery> {
    return this.#deliver(batch, replay, signal, (this.#o.now ?? Date.now)());
  }

  /** `since`: when this slice first began failing; an acknowledgement after it proves the upstream works. */
  async #deliver(batch: ForwardBatch, replay: boolean, signal: AbortSignal, since: number): Promise<Delivery> {
    if (batch.pointCount === 0) return { status: 'done' };
    const outcome = await this.#inner.send(batch, signal);
    switch (outcome.status) {
      case 'ok':
        if (outcome.rejected > 0) this.#drop('partial', outcome.rejected, outcome.message, batch);
        return { status: 'done' };
      case 'permanent':
        return this.#permanent(batch, outcome, replay, signal);
      default:
        if (signal.aborted) return { status: 'aborted' };
        if (!('suspect' in outcome)) return { status: 'unproven', message: outcome.message };
        if (batch.pointCount === 1) {
          if (this.#o.lastOkMs() <= since) return { status: 'unproven', message: outcome.message };
          this.#drop('parked', 1, outcome.message, batch);
          return { status: 'done' };
        }
        return this.#halves(splitByPoints(batch), replay, signal);
    }
  }

  async #permanent(batch: ForwardBatch, outcome: Extract<SendOutcome, { status: 'permanent' }>, replay: boolean, signal: AbortSignal): Promise<Delivery> {
    if (outcome.split === 'points' && batch.pointCount > 1) return this.#halves(splitByPoints(batch), replay, signal);
    if (outcome.split === 'series') {
      if (batch.seriesCount > 1) return this.#halves(splitBySeries(batch), replay, signal);
      // One series: its older points may be upstream already and its newer ones not.
      if (batch.pointCount > 1) return this.#halves(splitByPoints(batch), replay, signal);
      if (replay) {
        // Sent in order before the restart: the upstream's newer (or equal) sample of this series is ours.
        this.#stats.alreadyDelivered(batch.pointCount);
        return { status: 'done' };
      }
    }
    this.#drop(outcome.reason, batch.pointCount, outcome.message, batch);
    return { status: 'done' };
  }

  async #halves([a, b]: [ForwardBatch, ForwardBatch], replay: boolean, signal: AbortSignal): Promise<Delivery> {
    const started = (this.#o.now ?? Date.now)();
    const first = await this.deliver(a, replay, signal);
    if (first.status === 'aborted') return first;
    const second = await this.deliver(b, replay, signal);
    if (second.status !== 'done') return second;
    // The second half's success is the evidence the first half's parking waited for.
    return first.status === 'unproven' ? this.#deliver(a, replay, signal, started) : first;
  }

  #drop(reason: Parameters<ExporterStats['dropped']>[0], points: number, message: string, batch: ForwardBatch): void {
    this.#stats.dropped(reason, points);
    // Once per reason: a bad upstream must not flood the log.
    if (this.#loggedReasons.has(reason)) return;
    this.#loggedReasons.add(reason);
    this.#logger.error('exporter dropped points', {
      component: 'exporter',
      exporter: this.#stats.exporter,
      reason,
      points,
      error: message,
      from: new Date(batch.minTimeMs).toISOString(),
      to: new Date(batch.maxTimeMs).toISOString(),
    });
  }
}
