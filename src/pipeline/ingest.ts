import type { Batch } from '../model/index.js';
import type { Store } from '../store/index.js';
import type { Logger } from '../log/index.js';
import type { Counter, Histogram, Registry } from '../telemetry/index.js';
import type { WorkerPool } from '../workers/index.js';
import type { Decoded } from './decode-channel.js';
import { DecodeChannel } from './decode-channel.js';
import { permanent, refused, retryable } from '../component/index.js';
import { Admission } from './admission.js';
import type { SeriesLimiter } from './series-limiter.js';
import type { Format, IngestFailure, IngestOutcome, RequestOutcome } from './outcome.js';

export interface IngestOptions {
  readonly pool: WorkerPool;
  readonly store: Store;
  readonly admission: Admission;
  readonly retryAfterMs: number;
  readonly registry: Registry;
  readonly logger: Logger;
  /** The series limits' main-thread side; none: no series limits (tests). */
  readonly limiter?: SeriesLimiter;
}

/** A share of the in-flight budget held for one request. */
export interface Ticket {
  bytes: number;
}

/** Request latency buckets, in seconds: 0.5 ms to 10 s. */
const DURATION_BOUNDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The path every export request takes after its receiver has the body: decode in a worker,
 * fill in definitions of series new to the store, append, and say how it went.
 */
export class IngestPipeline {
  readonly #o: IngestOptions;
  readonly #accepted: Counter;
  readonly #rejected: Counter;
  readonly #refused: Counter;
  readonly #refusedPoints: Counter;
  readonly #exemplars: Counter;
  readonly #ruleHits: Counter;
  readonly #limitRefused: Counter;
  /** Requests between decode and answer, so reservations can be checked when none is. */
  #active = 0;
  readonly #duration: Histogram;
  #closed = false;
  readonly #channel: DecodeChannel;
  /** Delay suggested to refused clients (reloadable). */
  retryAfterMs: number;

  constructor(options: IngestOptions) {
    this.#o = options;
    this.retryAfterMs = options.retryAfterMs;
    this.#channel = new DecodeChannel(options.pool);
    // Decode workers look series references up in the store's table (and in each grown one).
    const refs = options.store.seriesRefs();
    options.pool.broadcast('series-table', { buffer: refs.current.buffer });
    refs.onGrow((table) => options.pool.broadcast('series-table', { buffer: table.buffer }));
    if (options.limiter !== undefined) options.pool.broadcast('series-limits', { buffer: options.limiter.shared.buffer });
    // Workers take what decoding allocates from the same in-flight budget as the receivers.
    options.pool.broadcast('budget', { buffer: options.admission.buffer });
    const r = options.registry;
    this.#accepted = r.counter('cairn_receiver_accepted_points_total', 'Points decoded and stored.');
    this.#rejected = r.counter('cairn_receiver_rejected_points_total', 'Points that failed validation (reported as partial success).');
    this.#refused = r.counter(
      'cairn_receiver_refused_requests_total',
      'Requests answered with a retryable refusal, by reason. Most are refused before decoding, when their points are unknown; points refused after decoding are also counted in cairn_receiver_refused_points_total.',
    );
    this.#refusedPoints = r.counter('cairn_receiver_refused_points_total', 'Points decoded and then refused with a retryable answer (the store could not take them, over the in-flight budget once inflated), by reason.');
    this.#exemplars = r.counter('cairn_receiver_dropped_exemplars_total', 'Exemplars received and not kept.');
    this.#limitRefused = r.counter('cairn_limit_refused_points_total', 'Points rejected (OTLP partial success) by a limit, by limit (its configuration key: max_series, max_series_per_metric, max_new_series_per_minute, max_new_series_per_request, max_labels_per_series, max_label_name_length, max_label_value_length, max_attributes, max_attribute_bytes, max_buckets_per_point).');
    this.#ruleHits = r.counter('cairn_processor_points_total', 'Points each processor rule changed (redacted, dropped or renamed attributes, set values) or dropped (drop_metrics), by rule (<position>:<type>).');
    this.#duration = r.histogram(
      'cairn_receiver_request_duration_seconds',
      'Time from the start of an export request (headers received) to its answer, by receiver and outcome (ok, partial, refused, invalid, error, aborted).',
      DURATION_BOUNDS,
    );
  }

  /** Takes budget for a request of `bytes` (0: taken as its body arrives), or answers with the refusal to send instead. */
  admit(bytes: number, receiver: string): Ticket | IngestFailure {
    if (this.#closed) return this.#unavailable('the agent is shutting down', receiver, 'shutdown');
    if (bytes === 0 ? this.#o.admission.full : !this.#o.admission.tryAcquire(bytes)) return this.refused(receiver);
    return { bytes };
  }

  /** The answer to a request over its peer's in-flight allowance (limits.max_inflight_requests_per_peer). */
  refusedPeer(receiver: string): IngestFailure {
    this.#refused.add(1, { receiver, reason: 'requests_per_peer' });
    return refused('this client address has limits.max_inflight_requests_per_peer requests in flight; retry later', this.retryAfterMs);
  }

  /** Counts a body given up on for arriving too slowly (the receiver answers it). */
  slowBody(receiver: string, why: 'rate' | 'timeout'): void {
    this.#refused.add(1, { receiver, reason: why === 'rate' ? 'body_rate' : 'body_timeout' });
  }

  /** The answer to a request that does not fit in the in-flight budget (counted). */
  refused(receiver: string): IngestFailure {
    this.#refused.add(1, { receiver, reason: 'inflight_bytes' });
    return refused(`the agent is over its in-flight budget of ${this.#o.admission.maxBytes} bytes; retry later`, this.retryAfterMs);
  }

  release(ticket: Ticket): void {
    this.#o.admission.release(ticket.bytes);
    ticket.bytes = 0;
  }

  /** Grows a ticket when a body turns out bigger than first announced. */
  grow(ticket: Ticket, bytes: number): boolean {
    if (!this.#o.admission.tryGrow(ticket.bytes, bytes)) return false;
    ticket.bytes += bytes;
    return true;
  }

  /**
   * The refusal for a request seen before its body (gRPC headers) when the budget is already
   * spent or the agent is stopping; null when it may proceed.
   */
  gate(receiver: string): IngestFailure | null {
    if (this.#closed) return this.#unavailable('the agent is shutting down', receiver, 'shutdown');
    return this.#o.admission.full ? this.refused(receiver) : null;
  }

  async process(ticket: Ticket, body: Uint8Array, format: Format, gzip: boolean, maxBytes: number, receiver: string): Promise<IngestOutcome> {
    this.#active++;
    try {
      return await this.#process(ticket, body, format, gzip, maxBytes, receiver);
    } finally {
      if (--this.#active === 0) this.#o.limiter?.idle();
    }
  }

  async #process(ticket: Ticket, body: Uint8Array, format: Format, gzip: boolean, maxBytes: number, receiver: string): Promise<IngestOutcome> {
    let decoded: Decoded;
    try {
      decoded = await this.#channel.decode(body, format, gzip, maxBytes);
    } catch (err) {
      this.#o.logger.warn('decode failed', { component: 'pipeline', receiver, error: (err as Error).message });
      return this.#unavailable((err as Error).message, receiver, 'worker_lost');
    }
    if (decoded.status !== 'ok') {
      const r = decoded.reply;
      if (r.status !== 'refused') return permanent(r.status, r.message);
      // Decoding it would take more of the in-flight budget than is free now.
      this.#refused.add(1, { receiver, reason: 'decode_budget' });
      return refused(r.message, this.retryAfterMs);
    }
    const { reply, batch } = decoded;
    // What the worker took from the budget for this request is released with its ticket.
    ticket.bytes += reply.reservedBytes;
    for (const [limit, points] of reply.limitRefusals) this.#limitRefused.add(points, { limit });
    try {
      if (reply.exemplarsDropped > 0) this.#exemplars.add(reply.exemplarsDropped, { receiver });
      for (const [rule, points] of reply.ruleHits) this.#ruleHits.add(points, { rule });
      if (reply.rejected > 0) this.#rejected.add(reply.rejected, { receiver });
      const points = batch.pointCount;
      if (points > 0) {
        try {
          await this.#o.store.append(batch);
        } catch (err) {
          this.#o.logger.warn('store append failed', { component: 'pipeline', receiver, error: (err as Error).message });
          this.#refusedPoints.add(points, { receiver, reason: 'store' });
          return this.#unavailable(`the store cannot take data now: ${(err as Error).message}`, receiver, 'store');
        }
        this.#accepted.add(points, { receiver });
      }
      return { status: 'ok', accepted: reply.accepted, rejected: reply.rejected, errorMessage: reply.errorMessage };
    } finally {
      // The store keeps nothing of the batch once append settles: its shared region is free again.
      decoded.release();
      // Stored or not, the series the worker reserved room for are settled now.
      this.#o.limiter?.settle(reply.reservations, reply.minute);
    }
  }

  /**
   * The entry for data the agent produces itself (host and self metrics): a batch with its
   * definitions filled, stored like a decoded request and counted under `source`. Rejects
   * when the store cannot take it (counted as refused points); nothing is retried.
   */
  async appendLocal(batch: Batch, source: string): Promise<void> {
    if (batch.pointCount === 0) return;
    try {
      await this.#o.store.append(batch);
    } catch (err) {
      this.#refusedPoints.add(batch.pointCount, { receiver: source, reason: 'store' });
      throw err;
    }
    this.#accepted.add(batch.pointCount, { receiver: source });
    this.#o.limiter?.refresh();
  }

  /** Records how long a request took, from its headers to its answer (`startedMs` from performance.now()). */
  observeRequest(receiver: string, startedMs: number, outcome: RequestOutcome): void {
    this.#duration.observe((performance.now() - startedMs) / 1000, { receiver, outcome });
  }

  /** Stop admitting; requests already admitted finish. */
  close(): void {
    this.#closed = true;
  }

  #unavailable(message: string, receiver: string, reason: string): IngestFailure {
    this.#refused.add(1, { receiver, reason });
    return retryable(message, this.retryAfterMs);
  }
}
