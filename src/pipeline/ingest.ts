import type { Batch } from '../model/index.js';
import type { Store } from '../store/index.js';
import type { Logger } from '../log/index.js';
import type { Counter, Histogram, Registry } from '../telemetry/index.js';
import type { WorkerPool } from '../workers/index.js';
import type { Decoded } from './decode-channel.js';
import { DecodeChannel } from './decode-channel.js';
import { permanent, refused, retryable } from '../component/index.js';
import { Admission } from './admission.js';
import type { Format, IngestFailure, IngestOutcome, RequestOutcome } from './outcome.js';

export interface IngestOptions {
  readonly pool: WorkerPool;
  readonly store: Store;
  readonly admission: Admission;
  readonly retryAfterMs: number;
  readonly registry: Registry;
  readonly logger: Logger;
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
  readonly #duration: Histogram;
  #closed = false;
  readonly #channel: DecodeChannel;

  constructor(options: IngestOptions) {
    this.#o = options;
    this.#channel = new DecodeChannel(options.pool);
    // Decode workers look series references up in the store's table (and in each grown one).
    const refs = options.store.seriesRefs();
    options.pool.broadcast('series-table', { buffer: refs.current.buffer });
    refs.onGrow((table) => options.pool.broadcast('series-table', { buffer: table.buffer }));
    const r = options.registry;
    this.#accepted = r.counter('cairn_receiver_accepted_points_total', 'Points decoded and stored.');
    this.#rejected = r.counter('cairn_receiver_rejected_points_total', 'Points that failed validation (reported as partial success).');
    this.#refused = r.counter(
      'cairn_receiver_refused_requests_total',
      'Requests answered with a retryable refusal, by reason. Most are refused before decoding, when their points are unknown; points refused after decoding are also counted in cairn_receiver_refused_points_total.',
    );
    this.#refusedPoints = r.counter('cairn_receiver_refused_points_total', 'Points decoded and then refused with a retryable answer (the store could not take them, over the in-flight budget once inflated), by reason.');
    this.#exemplars = r.counter('cairn_receiver_dropped_exemplars_total', 'Exemplars received and not kept.');
    this.#duration = r.histogram(
      'cairn_receiver_request_duration_seconds',
      'Time from the start of an export request (headers received) to its answer, by receiver and outcome (ok, partial, refused, invalid, error, aborted).',
      DURATION_BOUNDS,
    );
  }

  /** Takes budget for a request of `bytes`, or answers with the refusal to send instead. */
  admit(bytes: number, receiver: string): Ticket | IngestFailure {
    if (this.#closed) return this.#unavailable('the agent is shutting down', receiver, 'shutdown');
    if (!this.#o.admission.tryAcquire(bytes)) return this.refused(receiver);
    return { bytes };
  }

  /** The answer to a request that does not fit in the in-flight budget (counted). */
  refused(receiver: string): IngestFailure {
    this.#refused.add(1, { receiver, reason: 'inflight_bytes' });
    return refused(`the agent is over its in-flight budget of ${this.#o.admission.maxBytes} bytes; retry later`, this.#o.retryAfterMs);
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
    let decoded: Decoded;
    try {
      decoded = await this.#channel.decode(body, format, gzip, maxBytes);
    } catch (err) {
      this.#o.logger.warn('decode failed', { component: 'pipeline', receiver, error: (err as Error).message });
      return this.#unavailable((err as Error).message, receiver, 'worker_lost');
    }
    if (decoded.status !== 'ok') return permanent(decoded.reply.status, decoded.reply.message);
    const { reply, batch } = decoded;
    try {
      // An inflated body counts at its decoded size; past the budget it is refused like any other.
      if (reply.decodedBytes > ticket.bytes && !this.grow(ticket, reply.decodedBytes - ticket.bytes)) {
        this.#refusedPoints.add(batch.pointCount, { receiver, reason: 'inflight_bytes' });
        return this.refused(receiver);
      }
      if (reply.exemplarsDropped > 0) this.#exemplars.add(reply.exemplarsDropped, { receiver });
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
    return retryable(message, this.#o.retryAfterMs);
  }
}
