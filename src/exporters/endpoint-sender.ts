import type { ForwardBatch } from './forward-batch.js';
import type { SendOutcome, Sender } from './send-outcome.js';
import { sendDropped } from './send-outcome.js';

/** The innermost sender: one upstream address speaking one protocol. */
export interface EndpointSender extends Sender {
  readonly endpoint: string;
  /** Encodes the batch now (cached for its send), while an earlier request is on the wire. */
  prepare?(batch: ForwardBatch): void;
  close(): void;
}

/**
 * Encoded request bodies by batch, so retries and failovers of the same batch encode it once
 * (batches are immutable; the map forgets them with the batch).
 */
export class BodyCache {
  readonly #bodies = new WeakMap<ForwardBatch, Map<string, EncodedBody>>();

  get(batch: ForwardBatch, key: string, encode: () => EncodedBody): EncodedBody {
    let m = this.#bodies.get(batch);
    if (m === undefined) this.#bodies.set(batch, (m = new Map()));
    let body = m.get(key);
    if (body === undefined) m.set(key, (body = encode()));
    return body;
  }
}

/** A request body as sent, and its size before compression (what receivers limit). */
export interface EncodedBody {
  readonly body: Buffer;
  readonly rawBytes: number;
}

/** Refuses locally what the upstream would have to refuse: over `max_request_bytes`, split it. */
export function overLimit(bytes: number, limit: number, points: number): SendOutcome | undefined {
  if (bytes <= limit) return undefined;
  return sendDropped('too_large', 'local', `a request of ${points} points encodes to ${bytes} bytes, over max_request_bytes (${limit})`, 'points');
}
